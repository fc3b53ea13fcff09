using MailKitServer.Imap.Acl;
using MailKitServer.Imap.Parsing;
using MailKitServer.Imap.Responses;
using MailKitServer.Imap.Session;
using MailKitServer.Storage;

namespace MailKitServer.Imap.Commands;

/// <summary>STORE and UID STORE (RFC 9051 §6.4.6), with CONDSTORE's UNCHANGEDSINCE and MODIFIED (RFC 7162 §3.1.3).</summary>
internal sealed class StoreCommand() : ImapCommand("STORE", CommandStates.Selected)
{
    private const string Syntax = "Syntax: STORE set [(UNCHANGEDSINCE modseq)] [+|-]FLAGS[.SILENT] (flags)";

    public override bool HasUidForm => true;

    public override bool HoldsExpunges => true;

    public override async ValueTask<bool> ExecuteAsync(ImapSession session, ImapRequest request)
    {
        var tag = request.Tag;
        var uid = request.Uid;
        if (ParseArguments(request.Arguments, out var set, out var unchangedSince, out var change, out var silent) is { } bad)
        {
            return await session.BadAsync(tag, bad).ConfigureAwait(false);
        }

        var selected = session.Selected!;
        if (!selected.IsValidSet(set, uid))
        {
            return await session.BadAsync(tag, "Invalid message sequence number").ConfigureAwait(false);
        }

        if (unchangedSince is not null)
        {
            if (!selected.SupportsModSeq)
            {
                // RFC 7162 §3.1.2.2: UNCHANGEDSINCE on a NOMODSEQ mailbox is refused with BAD.
                return await session.BadAsync(tag, "The mailbox keeps no mod-sequences (NOMODSEQ)").ConfigureAwait(false);
            }

            session.EnableCondStore();
        }

        if (selected.ReadOnly)
        {
            return session.No(tag, "[READ-ONLY] Mailbox is read-only");
        }

        var indexes = selected.Resolve(set, uid);
        var changes = PermittedFlagChange.Split(selected.Rights, change, indexes.SelectMany(i => selected[i].Info.Keywords));
        if (changes.Count == 0)
        {
            // RFC 4314 §4: not one of the flags asked for may be changed with the user's rights.
            return session.No(tag, MailboxAccess.NoPermission);
        }

        var uids = UidSet.FromUids(indexes.Select(i => selected[i].Uid));
        var result = await selected.View.StoreFlagsAsync(uids, changes[0], unchangedSince, session.Aborted).ConfigureAwait(false);
        if (changes.Count > 1)
        {
            var more = await selected.View.StoreFlagsAsync(uids, changes[1], unchangedSince, session.Aborted).ConfigureAwait(false);
            result = new StoreFlagsResult(more.Status, [.. result.Changed.Where(c => !more.Changed.Any(m => m.Uid == c.Uid)), .. more.Changed], [.. result.Modified.Union(more.Modified)]);
        }

        // The flags as they are now (a later change by another session included), keywords announced first. With
        // UNCHANGEDSINCE the FETCH goes out even for .SILENT, so the client learns the new MODSEQ (RFC 7162 §3.1.3).
        selected.Sync();
        foreach (var info in result.Changed)
        {
            if (selected.Update(info) is not null && (!silent || unchangedSince is not null))
            {
                session.Connection.Write(selected.FlagsFetch(selected.IndexOfUid(info.Uid), uid, session.Enabled));
                await session.Connection.FlushWhenFullAsync().ConfigureAwait(false);
            }
        }

        if (result.Modified.Count == 0)
        {
            return session.Ok(tag, "STORE completed");
        }

        return session.Ok(tag, $"[MODIFIED {UidSet.FromUids(ReportModified(session, selected, result.Modified, uid))}] Conditional STORE failed");
    }

    /// <summary>Reads sequence set, store modifiers (RFC 4466 §2.5) and the flag change; returns the BAD text when the syntax is wrong.</summary>
    private static string? ParseArguments(IReadOnlyList<ImapToken> args, out SequenceSet set, out ulong? unchangedSince, out FlagChange change, out bool silent)
    {
        set = null!;
        unchangedSince = null;
        change = null!;
        silent = false;
        if (args.Count < 3 || args[0].Kind != ImapTokenKind.Atom || !SequenceSet.TryParse(args[0].Text, out set))
        {
            return Syntax;
        }

        // store-modifiers (RFC 4466 §2.5): (UNCHANGEDSINCE mod-sequence-valzer).
        var next = 1;
        if (args[1].Kind == ImapTokenKind.List)
        {
            var modifiers = args[1].Items;
            if (modifiers.Count != 2 || !modifiers[0].Text.Equals("UNCHANGEDSINCE", StringComparison.OrdinalIgnoreCase)
                || modifiers[1].Kind != ImapTokenKind.Atom || !ImapNumber.TryParseNumber64(modifiers[1].Text, out var since))
            {
                return "Invalid STORE modifier";
            }

            unchangedSince = (ulong)since;
            next = 2;
        }

        if (args.Count < next + 2 || args[next].Kind != ImapTokenKind.Atom)
        {
            return Syntax;
        }

        var item = args[next].Text.ToUpperInvariant();
        silent = item.EndsWith(".SILENT", StringComparison.Ordinal);
        var mode = item[0] switch
        {
            '+' => FlagChangeMode.Add,
            '-' => FlagChangeMode.Remove,
            _ => FlagChangeMode.Replace,
        };
        if (item.TrimStart('+', '-').Replace(".SILENT", string.Empty, StringComparison.Ordinal) != "FLAGS")
        {
            return "Unknown STORE item";
        }

        var flagTokens = args.Count == next + 2 && args[next + 1].Kind == ImapTokenKind.List ? args[next + 1].Items : args.Skip(next + 1).ToList();
        var flags = SystemFlags.None;
        var keywords = new List<string>();
        foreach (var f in flagTokens)
        {
            if (f.Kind == ImapTokenKind.List || !ImapFormat.TryParseFlag(f.Text, out var flag, out var keyword))
            {
                return "Invalid flag";
            }

            flags |= flag;
            if (keyword is not null)
            {
                keywords.Add(keyword);
            }
        }

        change = new FlagChange(mode, flags, keywords);
        return null;
    }

    /// <summary>The messages that failed UNCHANGEDSINCE, each with its current flags so the client need not poll (RFC 7162 §3.1.3 Example 10).</summary>
    private static List<uint> ReportModified(ImapSession session, SelectedMailbox selected, IReadOnlyCollection<uint> modified, bool uid)
    {
        var failed = new List<uint>();
        foreach (var modifiedUid in modified)
        {
            var index = selected.IndexOfUid(modifiedUid);
            if (index >= 0)
            {
                failed.Add(uid ? modifiedUid : (uint)(index + 1));
                session.Connection.Write(selected.FlagsFetch(index, uid, session.Enabled));
            }
        }

        return failed;
    }
}
