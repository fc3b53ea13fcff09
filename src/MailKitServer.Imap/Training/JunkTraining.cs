using MailKitServer.Imap.Session;
using MailKitServer.Storage;
using Microsoft.Extensions.Logging;

namespace MailKitServer.Imap.Training;

/// <summary>Tells the <see cref="IJunkTrainer"/> about messages copied or moved into or out of the user's \Junk mailbox.</summary>
internal static class JunkTraining
{
    public static async Task LearnAsync(ImapSession session, string source, string target, CopyResult result)
    {
        if (session.Options.JunkTrainer is not { } trainer || session.Account is not { } account || result.TargetUids.Count == 0)
        {
            return;
        }

        var mailboxes = await account.ListAsync(session.Aborted).ConfigureAwait(false);
        MailboxRole RoleOf(string name) => MailboxName.TryNormalize(name, out var normalized)
            ? mailboxes.FirstOrDefault(m => string.Equals(m.Name, normalized, StringComparison.Ordinal))?.Role ?? MailboxRole.None
            : MailboxRole.None;
        var (from, to) = (RoleOf(source), RoleOf(target));
        if ((from == MailboxRole.Junk) == (to == MailboxRole.Junk) || (from == MailboxRole.Junk && to == MailboxRole.Trash))
        {
            // Neither in nor out of Junk; or junk thrown away, which says nothing about ham.
            return;
        }

        var view = await account.OpenAsync(target, readOnly: true, session.Aborted).ConfigureAwait(false);
        if (view is null)
        {
            return;
        }

        await using (view.ConfigureAwait(false))
        {
            foreach (var uid in result.TargetUids)
            {
                try
                {
                    var content = await view.OpenContentAsync(uid, 0, null, session.Aborted).ConfigureAwait(false);
                    if (content is null)
                    {
                        continue;
                    }

                    await using (content.ConfigureAwait(false))
                    {
                        await (to == MailboxRole.Junk
                            ? trainer.LearnSpamAsync(session.UserId, content, session.Aborted)
                            : trainer.LearnHamAsync(session.UserId, content, session.Aborted)).ConfigureAwait(false);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    session.Logger.LogWarning(ex, "IMAP junk training of message {Uid} in {Mailbox} for {User} failed", uid, target, session.UserId);
                }
            }
        }
    }
}
