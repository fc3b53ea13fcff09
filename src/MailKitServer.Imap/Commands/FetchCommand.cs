using MailKitServer.Imap.Acl;
using MailKitServer.Imap.Fetch;
using MailKitServer.Imap.Parsing;
using MailKitServer.Imap.Session;
using MailKitServer.Imap.Structure;
using MailKitServer.Storage;

namespace MailKitServer.Imap.Commands;

/// <summary>
/// FETCH and UID FETCH (RFC 9051 §6.4.5, RFC 3516 BINARY, RFC 7162 CHANGEDSINCE/VANISHED). The items are parsed once
/// into a <see cref="FetchRequest"/> and refused with BAD before any response is written; each message's response is
/// written by <see cref="FetchResponseWriter"/>.
/// </summary>
internal sealed class FetchCommand() : ImapCommand("FETCH", CommandStates.Selected)
{
    public override bool HasUidForm => true;

    public override bool HoldsExpunges => true;

    public override async ValueTask<bool> ExecuteAsync(ImapSession session, ImapRequest request)
    {
        var tag = request.Tag;
        var uid = request.Uid;
        var args = request.Arguments;
        if (args.Count is < 2 or > 3 || args[0].Kind != ImapTokenKind.Atom || !SequenceSet.TryParse(args[0].Text, out var set)
            || (args.Count == 3 && args[2].Kind != ImapTokenKind.List))
        {
            return await session.BadAsync(tag, "Syntax: FETCH set items [(modifiers)]").ConfigureAwait(false);
        }

        if (!FetchRequest.TryParse(args[1], args.Count == 3 ? args[2] : null, uid, out var fetch, out var error))
        {
            return await session.BadAsync(tag, error ?? "Invalid FETCH items").ConfigureAwait(false);
        }

        var selected = session.Selected!;
        if (!selected.IsValidSet(set, uid))
        {
            return await session.BadAsync(tag, "Invalid message sequence number").ConfigureAwait(false);
        }

        if (fetch.Vanished && (session.Enabled & ImapExtensions.QResync) == 0)
        {
            // RFC 7162 §3.2.6: VANISHED only once QRESYNC is enabled.
            return await session.BadAsync(tag, "VANISHED requires QRESYNC to be enabled").ConfigureAwait(false);
        }

        if (fetch.HasModSeq || fetch.ChangedSince is not null)
        {
            if (!selected.SupportsModSeq)
            {
                // RFC 7162 §3.1.2.2: MODSEQ and CHANGEDSINCE on a NOMODSEQ mailbox are refused with BAD.
                return await session.BadAsync(tag, "The mailbox keeps no mod-sequences (NOMODSEQ)").ConfigureAwait(false);
            }

            session.EnableCondStore();
        }

        if (fetch.Vanished)
        {
            // RFC 7162 §3.2.6: the UIDs of the set expunged since CHANGEDSINCE, before any FETCH response.
            var vanished = await selected.VanishedSinceAsync(fetch.ChangedSince!.Value, set.Merged(selected.View.Status.UidNext - 1), 0, session.Aborted).ConfigureAwait(false);
            if (!vanished.IsEmpty)
            {
                session.Connection.Write($"* VANISHED (EARLIER) {vanished}\r\n");
            }
        }

        var indexes = selected.Resolve(set, uid);
        if (fetch.Partial is { } partial)
        {
            // RFC 9394 §3.3-3.4: the range picks among the messages the set names, before CHANGEDSINCE filters them.
            var (start, length) = partial.Select(indexes.Count);
            indexes = indexes.GetRange(start, length);
        }

        if (fetch.ChangedSince is { } since)
        {
            // RFC 7162 §3.1.4.1: only the messages whose MODSEQ is above CHANGEDSINCE.
            indexes = indexes.FindAll(i => selected[i].Info.ModSeq > since);
        }

        // RFC 3516 §4.2: BINARY of a part whose transfer encoding is unknown fails the whole FETCH, before any output.
        if (fetch.HasBinary && await HasUnknownEncodingAsync(session, selected, fetch, indexes).ConfigureAwait(false))
        {
            return session.No(tag, "[UNKNOWN-CTE] Unknown Content-Transfer-Encoding");
        }

        var writer = new FetchResponseWriter(session, selected, fetch);
        foreach (var index in indexes)
        {
            var entry = selected[index];
            var seenChanged = fetch.SetsSeen && await MarkSeenAsync(session, selected, entry).ConfigureAwait(false);
            await writer.WriteAsync(index, seenChanged).ConfigureAwait(false);
            await session.Connection.FlushWhenFullAsync().ConfigureAwait(false);
        }

        // RFC 5530 EXPUNGEISSUED, as Dovecot answers when a message went away before it could be fetched.
        return session.Ok(tag, writer.MissingData ? "[EXPUNGEISSUED] Some messages were already expunged" : "FETCH completed");
    }

    /// <summary>
    /// RFC 9051 §6.4.5: BODY[...], BINARY[...], RFC822 and RFC822.TEXT set \Seen; decided before the response is
    /// written, so the FLAGS sent are the new ones. Returns whether the flags changed.
    /// </summary>
    private static async ValueTask<bool> MarkSeenAsync(ImapSession session, SelectedMailbox selected, ViewEntry entry)
    {
        // RFC 4314 §4: a FETCH that implies \Seen does not set it without "s".
        if (selected.ReadOnly || !MailboxAccess.Allows(selected, Storage.Acl.MailboxRights.Seen) || entry.Expunged || (entry.Info.Flags & SystemFlags.Seen) != 0)
        {
            return false;
        }

        var changed = await selected.View.StoreFlagsAsync(UidSet.FromUids([entry.Uid]), new FlagChange(FlagChangeMode.Add, SystemFlags.Seen, []), null, session.Aborted).ConfigureAwait(false);
        var seenChanged = false;
        foreach (var c in changed.Changed)
        {
            selected.Update(c);
            seenChanged = true;
        }

        return seenChanged;
    }

    private static async ValueTask<bool> HasUnknownEncodingAsync(ImapSession session, SelectedMailbox selected, FetchRequest fetch, List<int> indexes)
    {
        foreach (var index in indexes)
        {
            if (await selected.StructureAsync(selected[index].Uid, session.Aborted).ConfigureAwait(false) is not { } root)
            {
                continue;
            }

            foreach (var item in fetch.Items.Where(i => i.Kind is FetchItemKind.Binary or FetchItemKind.BinarySize))
            {
                if (SectionLocator.Find(root, item.Section!.Part) is { } part && !BinaryConverter.CanConvert(part))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
