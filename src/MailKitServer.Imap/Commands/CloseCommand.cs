using MailKitServer.Imap.Acl;
using MailKitServer.Imap.Session;

namespace MailKitServer.Imap.Commands;

/// <summary>CLOSE (RFC 9051 §6.4.1: expunges silently) and UNSELECT (RFC 3691: does not).</summary>
/// <param name="expunge">Whether this is CLOSE.</param>
internal sealed class CloseCommand(bool expunge) : ImapCommand(expunge ? "CLOSE" : "UNSELECT", CommandStates.Selected)
{
    public override async ValueTask<bool> ExecuteAsync(ImapSession session, ImapRequest request)
    {
        var selected = session.Selected!;
        // RFC 4314 §4: without "e" CLOSE closes without expunging, and still answers OK.
        if (expunge && !selected.ReadOnly && MailboxAccess.Allows(selected, Storage.Acl.MailboxRights.Expunge))
        {
            await selected.View.ExpungeAsync(null, session.Aborted).ConfigureAwait(false);
        }

        await session.DeselectAsync().ConfigureAwait(false);
        return session.Ok(request.Tag, $"{Name} completed");
    }
}
