using MailKitServer.Imap.Acl;
using System.Text;
using MailKitServer.Imap.ObjectIds;
using MailKitServer.Imap.Parsing;
using MailKitServer.Imap.Responses;
using MailKitServer.Imap.Session;
using MailKitServer.Storage;

namespace MailKitServer.Imap.Commands;

/// <summary>SELECT and EXAMINE (RFC 9051 §6.3.2, §6.3.3).</summary>
/// <param name="readOnly">Whether this is EXAMINE.</param>
internal sealed class SelectCommand(bool readOnly) : ImapCommand(readOnly ? "EXAMINE" : "SELECT", CommandStates.LoggedIn)
{
    public override async ValueTask<bool> ExecuteAsync(ImapSession session, ImapRequest request)
    {
        var tag = request.Tag;
        var args = request.Arguments;
        if (args.Count is < 1 or > 2 || args[0].Kind == ImapTokenKind.List || (args.Count == 2 && args[1].Kind != ImapTokenKind.List))
        {
            return await session.BadAsync(tag, $"Syntax: {Name} mailbox [(parameters)]").ConfigureAwait(false);
        }

        if (!SelectParameters.TryParse(args.Count == 2 ? args[1] : null, out var parameters, out var error))
        {
            return await session.BadAsync(tag, error!).ConfigureAwait(false);
        }

        if (parameters.QResync is not null && (session.Enabled & ImapExtensions.QResync) == 0)
        {
            // RFC 7162 §3.2.5: QRESYNC only after ENABLE QRESYNC.
            return await session.BadAsync(tag, "QRESYNC is not enabled").ConfigureAwait(false);
        }

        if (parameters.QResync is { SequenceMatch.Count: > 0 } && session.UidOnly)
        {
            // RFC 9586 §3: QRESYNC's sequence match data are sequence numbers.
            return await session.BadAsync(tag, ImapSession.UidOnlyRequired).ConfigureAwait(false);
        }

        // A name that cannot exist (not valid modified UTF-7, "..", ...) is no syntax error: the mailbox is not there.
        var valid = session.TryMailboxName(args[0], out var name);

        // RFC 3501 §6.3.1: a SELECT deselects the current mailbox first, even if the new one fails.
        if (session.Selected is not null)
        {
            await session.DeselectAsync().ConfigureAwait(false);
            session.Connection.Write("* OK [CLOSED] Previous mailbox closed\r\n"u8);
        }

        // RFC 4314 §4: "r" to select; without "i", "e" or a flag right the mailbox is read-only (§5.2).
        var rights = valid ? await MailboxAccess.RightsAsync(session, name).ConfigureAwait(false) : Storage.Acl.MailboxRights.All;
        if (MailboxAccess.Refusal(rights, Storage.Acl.MailboxRights.Read) is { } denied)
        {
            return session.No(tag, denied);
        }

        var viewOnly = readOnly || (rights & MailboxAccess.Writable) == 0;
        var account = session.Account!;
        var view = valid ? await account.OpenAsync(name, viewOnly, session.Aborted).ConfigureAwait(false) : null;
        if (view is null)
        {
            return session.No(tag, "[NONEXISTENT] No such mailbox");
        }

        if (parameters.CondStore || parameters.QResync is not null)
        {
            // RFC 7162 §3.1.8: SELECT (CONDSTORE) is a CONDSTORE enabling command; HIGHESTMODSEQ follows below.
            session.Enabled |= ImapExtensions.CondStore;
        }

        var recentKey = RecentTracker.Key(session.UserId, name, view.Status.UidValidity);
        var selected = new SelectedMailbox(view, RecentTracker.For(session.Context), recentKey, session.Structures) { Rights = rights, Name = name };
        session.Selected = selected;
        selected.ClaimRecent();
        session.State = ImapState.Selected;
        var status = view.Status;
        session.Connection.Write(await DescribeAsync(session, selected, name).ConfigureAwait(false));
        if (parameters.QResync is { } qresync && selected.SupportsModSeq && qresync.UidValidity == status.UidValidity)
        {
            await ResynchronizeAsync(session, selected, qresync).ConfigureAwait(false);
        }

        return session.Ok(tag, viewOnly ? $"[READ-ONLY] {Name} completed" : "[READ-WRITE] SELECT completed");
    }

    /// <summary>The untagged responses a SELECT or EXAMINE gives about the mailbox (RFC 9051 §6.3.2, RFC 3501 §6.3.1).</summary>
    private static async ValueTask<string> DescribeAsync(ImapSession session, SelectedMailbox selected, string name)
    {
        var status = selected.View.Status;
        var sb = new StringBuilder();
        sb.Append(selected.FlagsResponses());
        sb.Append("* ").Append(selected.Count).Append(" EXISTS\r\n");
        if (session.Imap4rev2)
        {
            // RFC 9051 §6.3.2: SELECT returns an untagged LIST with the mailbox's name and attributes; RECENT is gone.
            var info = (await session.Account!.ListAsync(session.Aborted).ConfigureAwait(false)).FirstOrDefault(m => m.Name == name);
            sb.Append("* LIST (").Append(info is null ? string.Empty : MailboxAttributes.Of(info, showSubscribed: false)).Append(") \"/\" ").Append(session.MailboxString(name)).Append("\r\n");
        }
        else
        {
            sb.Append("* ").Append(selected.RecentCount).Append(" RECENT\r\n");
        }

        // RFC 9586 §3: [UNSEEN n] carries a sequence number, so UIDONLY leaves it out.
        for (var i = 0; i < selected.Count && !session.UidOnly; i++)
        {
            if ((selected.InfoAt(i).Flags & SystemFlags.Seen) == 0)
            {
                sb.Append("* OK [UNSEEN ").Append(i + 1).Append("] First unseen\r\n");
                break;
            }
        }

        sb.Append("* OK [UIDVALIDITY ").Append(status.UidValidity).Append("] UIDs valid\r\n");
        sb.Append("* OK [UIDNEXT ").Append(status.UidNext).Append("] Predicted next UID\r\n");
        if (await MailboxIds.CodeAsync(session, name).ConfigureAwait(false) is { } mailboxId)
        {
            // RFC 8474 §4.2: every successful SELECT and EXAMINE says the MAILBOXID.
            sb.Append("* OK [").Append(mailboxId).Append("] Ok\r\n");
        }

        if ((session.Enabled & ImapExtensions.CondStore) != 0)
        {
            // RFC 7162 §3.1.2: HIGHESTMODSEQ (or NOMODSEQ) in every SELECT once CONDSTORE is on.
            sb.Append(selected.ModSeqResponse());
        }

        return sb.ToString();
    }

    /// <summary>
    /// RFC 7162 §3.2.5.1: what changed since the client's mod-sequence, for the UIDs it knows: VANISHED (EARLIER) for
    /// the expunged ones, then FETCH (UID FLAGS MODSEQ) for those whose flags changed. A different UIDVALIDITY skips
    /// this (the client sees the new one and resynchronizes fully).
    /// </summary>
    private static async ValueTask ResynchronizeAsync(ImapSession session, SelectedMailbox selected, QResyncParameter qresync)
    {
        var ceiling = selected.View.Status.UidNext - 1;
        IReadOnlyList<(uint First, uint Last)> ranges = qresync.KnownUids is { } known ? known.Merged(ceiling) : ceiling == 0 ? [] : [(1u, ceiling)];

        // RFC 7162 §3.2.5.2: the client knows every expunge up to the last (sequence, UID) pair that still matches.
        uint knownUpTo = 0;
        foreach (var (sequence, uid) in qresync.SequenceMatch)
        {
            if (sequence > selected.Count || selected.UidAt((int)sequence - 1) != uid)
            {
                break;
            }

            knownUpTo = uid;
        }

        var vanished = await selected.VanishedSinceAsync(qresync.ModSeq, ranges, knownUpTo, session.Aborted).ConfigureAwait(false);
        if (!vanished.IsEmpty)
        {
            session.Connection.Write($"* VANISHED (EARLIER) {vanished}\r\n");
        }

        for (var i = 0; i < selected.Count; i++)
        {
            if (selected.InfoAt(i).ModSeq > qresync.ModSeq && SelectedMailbox.InRanges(ranges, selected.UidAt(i)))
            {
                session.Connection.Write(selected.FlagsFetch(i, withUid: true, session.Enabled));
            }
        }
    }
}
