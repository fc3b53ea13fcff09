using MailKitServer.Imap.Acl;
using MailKitServer.Imap.Parsing;
using MailKitServer.Imap.Responses;
using MailKitServer.Imap.Session;
using MailKitServer.Storage;

namespace MailKitServer.Imap.Commands;

/// <summary>EXPUNGE (RFC 9051 §6.4.3) and UID EXPUNGE (RFC 4315 §2.1).</summary>
internal sealed class ExpungeCommand() : ImapCommand("EXPUNGE", CommandStates.Selected)
{
    public override bool HasUidForm => true;

    public override bool NamesBySequence => false;

    public override async ValueTask<bool> ExecuteAsync(ImapSession session, ImapRequest request)
    {
        var selected = session.Selected!;
        UidSet? limit = null;
        if (request.Uid)
        {
            if (request.Arguments.Count != 1 || !SequenceSet.TryParse(request.Arguments[0].Text, out var set))
            {
                return await session.BadAsync(request.Tag, "Syntax: UID EXPUNGE set").ConfigureAwait(false);
            }

            limit = UidSet.FromUids(selected.Resolve(set, byUid: true).Select(i => selected[i].Uid));
        }

        if (selected.ReadOnly)
        {
            return session.No(request.Tag, "[READ-ONLY] Mailbox is read-only");
        }

        if (!MailboxAccess.Allows(selected, Storage.Acl.MailboxRights.Expunge))
        {
            // RFC 4314 §4: EXPUNGE needs "e".
            return session.No(request.Tag, MailboxAccess.NoPermission);
        }

        var result = await selected.View.ExpungeAsync(limit, session.Aborted).ConfigureAwait(false);
        if (result.Status != StoreStatus.Success)
        {
            return session.No(request.Tag, StoreErrors.Text(result.Status, null));
        }

        // RFC 7162 §3.2.7, §3.2.9: with QRESYNC, an expunge that removed something reports the new HIGHESTMODSEQ.
        await session.SendUpdatesAsync(allowExpunge: true).ConfigureAwait(false);
        var code = (session.Enabled & ImapExtensions.QResync) != 0 && result.Expunged.Count > 0 && selected.SupportsModSeq
            ? $"[HIGHESTMODSEQ {selected.HighestModSeq}] "
            : string.Empty;
        return session.Ok(request.Tag, code + "EXPUNGE completed");
    }
}
