using MailKitServer.Imap.Parsing;
using MailKitServer.Imap.Search;
using MailKitServer.Imap.Session;
using MailKitServer.Imap.Sorting;
using MailKitServer.Imap.Threading;

namespace MailKitServer.Imap.Commands;

/// <summary>THREAD and UID THREAD (RFC 5256 §3 BASE.6.4.THREAD) with the ORDEREDSUBJECT and REFERENCES algorithms.</summary>
internal sealed class ThreadCommand() : ImapCommand("THREAD", CommandStates.Selected)
{
    public override bool HasUidForm => true;

    /// <summary>RFC 5256 §3: no EXPUNGE responses during THREAD (they are allowed during UID THREAD).</summary>
    public override bool HoldsExpunges => true;

    public override async ValueTask<bool> ExecuteAsync(ImapSession session, ImapRequest request)
    {
        // thread = ["UID" SP] "THREAD" SP thread-alg SP search-criteria
        var args = request.Arguments;
        var tag = request.Tag;
        if (args.Count == 0 || args[0].Kind != ImapTokenKind.Atom)
        {
            return await session.BadAsync(tag, "Syntax: THREAD algorithm charset search-keys").ConfigureAwait(false);
        }

        ThreadAlgorithm algorithm;
        if (args[0].Text.Equals("ORDEREDSUBJECT", StringComparison.OrdinalIgnoreCase))
        {
            algorithm = ThreadAlgorithm.OrderedSubject;
        }
        else if (args[0].Text.Equals("REFERENCES", StringComparison.OrdinalIgnoreCase))
        {
            algorithm = ThreadAlgorithm.References;
        }
        else
        {
            return await session.BadAsync(tag, "Unknown threading algorithm " + args[0].Text).ConfigureAwait(false);
        }

        var (parsedKey, answered) = await SortSearchCriteria.ParseAsync(session, tag, args, 1).ConfigureAwait(false);
        if (parsedKey is not { } key)
        {
            return answered;
        }

        var messages = await SortableMessageLoader.LoadAsync(session, await SearchExecutor.FindAsync(session, key).ConfigureAwait(false)).ConfigureAwait(false);
        var roots = algorithm == ThreadAlgorithm.OrderedSubject ? OrderedSubjectThreader.Thread(messages) : ReferencesThreader.Thread(messages);
        session.Connection.Write(ThreadResponseWriter.Format(roots, request.Uid));
        return session.Ok(tag, "THREAD completed");
    }
}
