using MailKitServer.Imap.Acl;
using MailKitServer.Imap.Parsing;
using MailKitServer.Imap.Training;
using MailKitServer.Imap.Responses;
using MailKitServer.Imap.Session;
using MailKitServer.Storage;

namespace MailKitServer.Imap.Commands;

/// <summary>COPY (RFC 9051 §6.4.7) and MOVE (RFC 6851), with UIDPLUS COPYUID (RFC 4315).</summary>
/// <param name="move">Whether this is MOVE.</param>
internal sealed class CopyCommand(bool move) : ImapCommand(move ? "MOVE" : "COPY", CommandStates.Selected)
{
    public override bool HasUidForm => true;

    public override async ValueTask<bool> ExecuteAsync(ImapSession session, ImapRequest request)
    {
        var args = request.Arguments;
        var tag = request.Tag;
        if (args.Count != 2 || !SequenceSet.TryParse(args[0].Text, out var set))
        {
            return await session.BadAsync(tag, $"Syntax: {Name} set mailbox").ConfigureAwait(false);
        }

        if (!session.TryMailboxName(args[1], out var target))
        {
            return session.No(tag, "[CANNOT] Invalid mailbox name");
        }

        var selected = session.Selected!;
        if (!selected.IsValidSet(set, request.Uid))
        {
            return await session.BadAsync(tag, "Invalid message sequence number").ConfigureAwait(false);
        }

        var uids = selected.Resolve(set, request.Uid).Select(i => selected[i].Uid).ToList();
        CopyResult result;
        if (MailboxAccess.Of(session) is { } account)
        {
            // RFC 4314 §4: "i" on the target; MOVE also expunges, so "t" and "e" on the source (RFC 6851 §3.3).
            var targetRights = (await account.RightsAsync(target, session.Aborted).ConfigureAwait(false)).Rights;
            if (MailboxAccess.Refusal(targetRights, Storage.Acl.MailboxRights.Insert) is { } denied)
            {
                return session.No(tag, denied == MailboxAccess.Hidden ? "[TRYCREATE] No such mailbox" : denied);
            }

            if (move && !MailboxAccess.Allows(selected, Storage.Acl.MailboxRights.DeleteMessages | Storage.Acl.MailboxRights.Expunge))
            {
                return session.No(tag, MailboxAccess.NoPermission);
            }

            var source = account.Locate(selected.Name);
            var destination = account.Locate(target);
            result = source.Kind == destination.Kind && string.Equals(source.OwnerId, destination.OwnerId, StringComparison.OrdinalIgnoreCase)
                && (targetRights & MailboxAccess.FlagRights) == MailboxAccess.FlagRights
                ? await selected.View.CopyAsync(UidSet.FromUids(uids), destination.LocalName, move, session.Aborted).ConfigureAwait(false)
                : await CrossTreeCopy.CopyAsync(session, selected, uids, target, move, targetRights).ConfigureAwait(false);
        }
        else
        {
            result = await selected.View.CopyAsync(UidSet.FromUids(uids), target, move, session.Aborted).ConfigureAwait(false);
        }

        if (!result.Succeeded)
        {
            return session.No(tag, result.Status == StoreStatus.NotFound ? "[TRYCREATE] No such mailbox" : StoreErrors.Text(result.Status, result.Message));
        }

        await JunkTraining.LearnAsync(session, selected.Name, target, result).ConfigureAwait(false);

        // RFC 4315 COPYUID; for MOVE (RFC 6851 §4.3) it goes in an untagged OK before the EXPUNGEs.
        var code = result.SourceUids.Count == 0 ? string.Empty : $"[COPYUID {result.UidValidity} {UidSet.FromUids(result.SourceUids)} {UidSet.FromUids(result.TargetUids)}] ";
        if (move)
        {
            if (code.Length > 0)
            {
                session.Connection.Write($"* OK {code}Moved\r\n");
            }

            return session.Ok(tag, "MOVE completed");
        }

        return session.Ok(tag, code + "COPY completed");
    }
}
