using MailKitServer.Imap.Session;
using MailKitServer.Storage;
using MailKitServer.Storage.Acl;

namespace MailKitServer.Imap.Acl;

/// <summary>
/// COPY and MOVE into a mailbox of another owner's tree (a store's view copies only within its own account), or into
/// one whose rights keep some flags out (RFC 4314 §4): each message is read and appended with the flags the target's
/// rights allow, and for MOVE then flagged \Deleted and expunged in the source. All or nothing: a failed append
/// takes back what this command appended.
/// </summary>
internal static class CrossTreeCopy
{
    /// <summary>Copies or moves the messages.</summary>
    /// <param name="session">The session: the target is appended to in its account; cancelled with the connection.</param>
    /// <param name="selected">The source.</param>
    /// <param name="uids">The messages' UIDs.</param>
    /// <param name="target">The target's name, as the session names it.</param>
    /// <param name="move">Whether to remove them from the source.</param>
    /// <param name="targetRights">The user's rights on the target.</param>
    /// <returns>The outcome with source and target UIDs.</returns>
    public static async ValueTask<CopyResult> CopyAsync(ImapSession session, SelectedMailbox selected, IReadOnlyList<uint> uids, string target, bool move, MailboxRights targetRights)
    {
        var account = session.Account!;
        var sourceUids = new List<uint>();
        var targetUids = new List<uint>();
        uint validity = 0;
        foreach (var uid in uids)
        {
            var index = selected.IndexOfUid(uid);
            var content = index < 0 ? null : await selected.View.OpenContentAsync(uid, 0, null, session.Aborted).ConfigureAwait(false);
            if (content is null)
            {
                // Expunged meanwhile: copied as far as the client can tell (RFC 9051 §6.4.7 lets it be skipped).
                continue;
            }

            var info = selected[index].Info;
            var (flags, keywords) = MailboxAccess.Permitted(targetRights, info.Flags, info.Keywords);
            AppendResult appended;
            await using (content.ConfigureAwait(false))
            {
                appended = await account.AppendAsync(target, content, flags, keywords, info.InternalDate, session.Aborted).ConfigureAwait(false);
            }

            if (!appended.Succeeded)
            {
                await Commands.AppendCommand.RemoveAppendedAsync(session, target, targetUids).ConfigureAwait(false);
                return new CopyResult(appended.Status, 0, [], [], appended.Message);
            }

            sourceUids.Add(uid);
            targetUids.Add(appended.Uid);
            validity = appended.UidValidity;
        }

        if (move && sourceUids.Count > 0)
        {
            var moved = UidSet.FromUids(sourceUids);
            await selected.View.StoreFlagsAsync(moved, new FlagChange(FlagChangeMode.Add, SystemFlags.Deleted, []), null, session.Aborted).ConfigureAwait(false);
            await selected.View.ExpungeAsync(moved, session.Aborted).ConfigureAwait(false);
        }

        return new CopyResult(StoreStatus.Success, validity, sourceUids, targetUids);
    }
}
