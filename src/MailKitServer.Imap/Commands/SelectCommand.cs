using System.Text;
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
        if (request.Arguments.Count < 1 || !session.TryMailboxName(request.Arguments[0], out var name))
        {
            return await session.BadAsync(tag, "Syntax: SELECT mailbox").ConfigureAwait(false);
        }

        // RFC 3501 §6.3.1: a SELECT deselects the current mailbox first, even if the new one fails.
        if (session.Selected is not null)
        {
            await session.DeselectAsync().ConfigureAwait(false);
            session.Connection.Write("* OK [CLOSED] Previous mailbox closed\r\n"u8);
        }

        var account = session.Account!;
        var view = await account.OpenAsync(name, readOnly, session.Aborted).ConfigureAwait(false);
        if (view is null)
        {
            return session.No(tag, "[NONEXISTENT] No such mailbox");
        }

        var recentKey = RecentTracker.Key(session.UserId, name, view.Status.UidValidity);
        var selected = new SelectedMailbox(view, RecentTracker.For(session.Context), recentKey, StructureCache.For(session.Context, session.Options.StructureCacheSize));
        session.Selected = selected;
        selected.ClaimRecent();
        session.State = ImapState.Selected;
        var status = view.Status;
        var sb = new StringBuilder();
        sb.Append(selected.FlagsResponses());
        sb.Append("* ").Append(selected.Count).Append(" EXISTS\r\n");
        if (session.Imap4rev2)
        {
            // RFC 9051 §6.3.2: SELECT returns an untagged LIST with the mailbox's name and attributes; RECENT is gone.
            var info = (await account.ListAsync(session.Aborted).ConfigureAwait(false)).FirstOrDefault(m => m.Name == name);
            sb.Append("* LIST (").Append(info is null ? string.Empty : MailboxAttributes.Of(info, showSubscribed: false)).Append(") \"/\" ").Append(session.MailboxString(name)).Append("\r\n");
        }
        else
        {
            sb.Append("* ").Append(selected.RecentCount).Append(" RECENT\r\n");
        }

        for (var i = 0; i < selected.Count; i++)
        {
            if ((selected[i].Info.Flags & MessageFlags.Seen) == 0)
            {
                sb.Append("* OK [UNSEEN ").Append(i + 1).Append("] First unseen\r\n");
                break;
            }
        }

        sb.Append("* OK [UIDVALIDITY ").Append(status.UidValidity).Append("] UIDs valid\r\n");
        sb.Append("* OK [UIDNEXT ").Append(status.UidNext).Append("] Predicted next UID\r\n");
        session.Connection.Write(sb.ToString());
        return session.Ok(tag, readOnly ? "[READ-ONLY] EXAMINE completed" : "[READ-WRITE] SELECT completed");
    }
}
