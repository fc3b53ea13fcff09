using MailKitServer.Imap.Parsing;
using MailKitServer.Imap.Search;

namespace MailKitServer.Imap.Fetch;

/// <summary>
/// The items and modifiers of one FETCH command, parsed once (RFC 9051 §6.4.5; RFC 7162 CHANGEDSINCE and VANISHED).
/// </summary>
internal sealed class FetchRequest
{
    private FetchRequest(List<FetchItem> items, ulong? changedSince, bool vanished, PartialRange? partial, bool uidAsked)
    {
        Items = items;
        UidAsked = uidAsked;
        Partial = partial;
        ChangedSince = changedSince;
        Vanished = vanished;
        SetsSeen = items.Exists(i => i.SetsSeen);
        NeedsStructure = items.Exists(i => i.NeedsStructure);
        NeedsHeaderOnly = !NeedsStructure && items.Exists(i => i.Kind == FetchItemKind.Envelope);
        HasFlags = items.Exists(i => i.Kind == FetchItemKind.Flags);
        HasModSeq = items.Exists(i => i.Kind == FetchItemKind.ModSeq);
        HasBinary = items.Exists(i => i.Kind is FetchItemKind.Binary or FetchItemKind.BinarySize);
    }

    /// <summary>The items, macros expanded, in the order sent (UID first for UID FETCH).</summary>
    public IReadOnlyList<FetchItem> Items { get; }

    /// <summary>Whether the client named UID among the items (not only implied by UID FETCH).</summary>
    public bool UidAsked { get; }

    /// <summary>CHANGEDSINCE: only messages whose MODSEQ is higher (RFC 7162 §3.1.4.1).</summary>
    public ulong? ChangedSince { get; }

    /// <summary>VANISHED: report the UIDs expunged since CHANGEDSINCE first (RFC 7162 §3.2.6).</summary>
    public bool Vanished { get; }

    /// <summary>PARTIAL (RFC 9394 §3.3, UID FETCH only): which of the matching messages are answered, by position.</summary>
    public PartialRange? Partial { get; }

    /// <summary>Whether an item sets \Seen.</summary>
    public bool SetsSeen { get; }

    /// <summary>Whether an item needs the parsed structure.</summary>
    public bool NeedsStructure { get; }

    /// <summary>Whether an item needs the top-level header fields and nothing else needs the structure (ENVELOPE).</summary>
    public bool NeedsHeaderOnly { get; }

    /// <summary>Whether FLAGS was asked for.</summary>
    public bool HasFlags { get; }

    /// <summary>Whether MODSEQ was asked for (which enables CONDSTORE, RFC 7162 §3.1).</summary>
    public bool HasModSeq { get; }

    /// <summary>Whether a BINARY item was asked for.</summary>
    public bool HasBinary { get; }

    /// <summary>Parses the item argument (an atom, a macro or a list) and the optional modifier list.</summary>
    /// <param name="itemsArgument">ALL, FAST, FULL, one item or a parenthesised list of items.</param>
    /// <param name="modifiers">The fetch-modifiers list, or null.</param>
    /// <param name="uid">Whether this is UID FETCH (which always returns UID, and alone may ask VANISHED).</param>
    /// <param name="request">The request; undefined when invalid.</param>
    /// <param name="error">Why it is invalid.</param>
    /// <returns>Whether it is valid.</returns>
    public static bool TryParse(ImapToken itemsArgument, ImapToken? modifiers, bool uid, out FetchRequest request, out string? error)
    {
        request = null!;
        error = null;
        var items = new List<FetchItem>();
        if (uid)
        {
            items.Add(new FetchItem(FetchItemKind.Uid));
        }

        if (itemsArgument.Kind == ImapTokenKind.Atom)
        {
            var macro = itemsArgument.Text.ToUpperInvariant() switch
            {
                "ALL" => new[] { FetchItemKind.Flags, FetchItemKind.InternalDate, FetchItemKind.Rfc822Size, FetchItemKind.Envelope },
                "FAST" => [FetchItemKind.Flags, FetchItemKind.InternalDate, FetchItemKind.Rfc822Size],
                "FULL" => [FetchItemKind.Flags, FetchItemKind.InternalDate, FetchItemKind.Rfc822Size, FetchItemKind.Envelope, FetchItemKind.Body],
                _ => null,
            };
            if (macro is not null)
            {
                items.AddRange(macro.Select(k => new FetchItem(k)));
            }
            else if (!Add(items, itemsArgument, out error))
            {
                return false;
            }
        }
        else if (itemsArgument.Kind == ImapTokenKind.List && itemsArgument.Items.Count > 0)
        {
            var list = itemsArgument.Items;
            for (var i = 0; i < list.Count; i++)
            {
                if (!Add(items, list[i], out error))
                {
                    return false;
                }

                // RFC 8970 §6: "PREVIEW" [SP "(" preview-mod *(SP preview-mod) ")"], preview-mod = "LAZY".
                if (items[^1].Kind == FetchItemKind.Preview && i + 1 < list.Count && list[i + 1].Kind == ImapTokenKind.List)
                {
                    var previewModifiers = list[++i].Items;
                    if (previewModifiers.Count == 0 || previewModifiers.Any(m => m.Kind != ImapTokenKind.Atom || !m.Text.Equals("LAZY", StringComparison.OrdinalIgnoreCase)))
                    {
                        error = "Invalid PREVIEW modifier";
                        return false;
                    }

                    items[^1] = items[^1] with { Lazy = true };
                }
            }
        }
        else
        {
            error = "Invalid FETCH items";
            return false;
        }

        ulong? changedSince = null;
        var vanished = false;
        PartialRange? partial = null;
        if (modifiers is not null && !TryParseModifiers(modifiers.Items, uid, out changedSince, out vanished, out partial, out error))
        {
            return false;
        }

        if (changedSince is not null && !items.Exists(i => i.Kind == FetchItemKind.ModSeq))
        {
            // RFC 7162 §3.1.4.1: CHANGEDSINCE implies MODSEQ in every response.
            items.Add(new FetchItem(FetchItemKind.ModSeq));
        }

        // The same item twice is answered once (the UID of UID FETCH included).
        var uidAsked = items.Skip(uid ? 1 : 0).Any(i => i.Kind == FetchItemKind.Uid);
        var distinct = items.DistinctBy(i => (i.Kind, i.Section?.ResponseName)).ToList();
        request = new FetchRequest(distinct, changedSince, vanished, partial, uidAsked);
        return true;
    }

    /// <summary>The FETCH modifiers: CHANGEDSINCE, VANISHED and PARTIAL.</summary>
    private static bool TryParseModifiers(IReadOnlyList<ImapToken> list, bool uid, out ulong? changedSince, out bool vanished, out PartialRange? partial, out string? error)
    {
        changedSince = null;
        vanished = false;
        partial = null;
        error = null;

        // fetch-modifier (RFC 4466 §2.4): CHANGEDSINCE mod-sequence-value (RFC 7162 §3.1.4.1), VANISHED (§3.2.6).
        for (var i = 0; i < list.Count; i++)
        {
            var name = list[i].Kind == ImapTokenKind.Atom ? list[i].Text.ToUpperInvariant() : string.Empty;
            if (name == "CHANGEDSINCE" && changedSince is null && i + 1 < list.Count && list[i + 1].Kind == ImapTokenKind.Atom
                && ImapNumber.TryParseNumber64(list[i + 1].Text, out var since))
            {
                changedSince = (ulong)since;
                i++;
            }
            else if (name == "VANISHED" && uid && !vanished)
            {
                vanished = true;
            }
            else if (name == "PARTIAL" && uid && partial is null && i + 1 < list.Count && list[i + 1].Kind == ImapTokenKind.Atom
                && PartialRange.TryParse(list[i + 1].Text, out var range))
            {
                // RFC 9394 §3.3: modifier-partial on UID FETCH.
                partial = range;
                i++;
            }
            else
            {
                error = "Invalid FETCH modifier";
                return false;
            }
        }

        if (vanished && changedSince is null)
        {
            // RFC 7162 §3.2.6: VANISHED needs CHANGEDSINCE.
            error = "VANISHED requires CHANGEDSINCE";
            return false;
        }

        return true;
    }

    private static bool Add(List<FetchItem> items, ImapToken token, out string? error)
    {
        if (token.Kind != ImapTokenKind.Atom)
        {
            error = "Invalid FETCH item";
            return false;
        }

        if (!FetchItemParser.TryParse(token.Text, out var item, out error))
        {
            return false;
        }

        items.Add(item);
        return true;
    }
}
