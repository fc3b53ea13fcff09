using MailKitServer.Imap.Parsing;
using MailKitServer.Imap.Responses;
using MailKitServer.Imap.Session;
using MailKitServer.Storage;

namespace MailKitServer.Imap.Commands;

/// <summary>STORE and UID STORE (RFC 9051 §6.4.6).</summary>
internal sealed class StoreCommand() : ImapCommand("STORE", CommandStates.Selected)
{
    public override bool HasUidForm => true;

    public override bool HoldsExpunges => true;

    public override async ValueTask<bool> ExecuteAsync(ImapSession session, ImapRequest request)
    {
        var args = request.Arguments;
        var tag = request.Tag;
        var uid = request.Uid;
        if (args.Count < 3 || !SequenceSet.TryParse(args[0].Text, out var set) || args[1].Kind != ImapTokenKind.Atom)
        {
            return await session.BadAsync(tag, "Syntax: STORE set [+|-]FLAGS[.SILENT] (flags)").ConfigureAwait(false);
        }

        var item = args[1].Text.ToUpperInvariant();
        var silent = item.EndsWith(".SILENT", StringComparison.Ordinal);
        var mode = item[0] switch
        {
            '+' => FlagChangeMode.Add,
            '-' => FlagChangeMode.Remove,
            _ => FlagChangeMode.Replace,
        };
        if (item.TrimStart('+', '-').Replace(".SILENT", string.Empty, StringComparison.Ordinal) != "FLAGS")
        {
            return await session.BadAsync(tag, "Unknown STORE item").ConfigureAwait(false);
        }

        var flagTokens = args.Count == 3 && args[2].Kind == ImapTokenKind.List ? args[2].Items : args.Skip(2).ToList();
        var flags = MessageFlags.None;
        var keywords = new List<string>();
        foreach (var f in flagTokens)
        {
            if (!ImapFormat.TryParseFlag(f.Text, out var flag, out var keyword))
            {
                return await session.BadAsync(tag, "Invalid flag").ConfigureAwait(false);
            }

            flags |= flag;
            if (keyword is not null)
            {
                keywords.Add(keyword);
            }
        }

        var selected = session.Selected!;
        if (!selected.IsValidSet(set, uid))
        {
            return await session.BadAsync(tag, "Invalid message sequence number").ConfigureAwait(false);
        }

        if (selected.ReadOnly)
        {
            return session.No(tag, "[READ-ONLY] Mailbox is read-only");
        }

        var indexes = selected.Resolve(set, uid);
        var result = await selected.View.StoreFlagsAsync(UidSet.FromUids(indexes.Select(i => selected[i].Uid)), new FlagChange(mode, flags, keywords), null, session.Aborted).ConfigureAwait(false);
        foreach (var info in result.Changed)
        {
            if (selected.Update(info) is not null && !silent)
            {
                // The flags as they are now (a later change by another session included), keywords announced first.
                session.Connection.Write(selected.FlagsFetch(selected.IndexOfUid(info.Uid), uid, session.Enabled));
            }
        }

        return session.Ok(tag, "STORE completed");
    }
}
