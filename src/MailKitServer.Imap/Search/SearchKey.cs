using MailKitServer.Imap.Parsing;
using MailKitServer.Imap.Structure;
using MailKitServer.Storage;

namespace MailKitServer.Imap.Search;

/// <summary>One node of a SEARCH query (RFC 3501 §6.4.4).</summary>
internal sealed class SearchKey
{
    public string Kind { get; init; } = "ALL";

    public string? Text { get; init; }

    public string? Field { get; init; }

    public long Number { get; init; }

    public DateTimeOffset Date { get; init; }

    public SequenceSet? Set { get; init; }

    public IReadOnlyList<SearchKey> Children { get; init; } = [];

    public bool NeedsContent => Kind is "BODY" or "TEXT" or "HEADER" or "FROM" or "TO" or "CC" or "BCC" or "SUBJECT" or "SENTBEFORE" or "SENTON" or "SENTSINCE"
        || Children.Any(c => c.NeedsContent);

    public bool Matches(SearchCandidate c)
    {
        var m = c.Info;
        return Kind switch
        {
            "ALL" => true,
            "AND" => Children.All(k => k.Matches(c)),
            "OR" => Children[0].Matches(c) || Children[1].Matches(c),
            "NOT" => !Children[0].Matches(c),
            "SEQ" => Set!.IsSaved ? c.Saved.Contains(m.Uid) : Set.Contains((uint)c.Sequence, (uint)c.Count),
            "UID" => Set!.IsSaved ? c.Saved.Contains(m.Uid) : Set.Contains(m.Uid, c.LargestUid),
            "ANSWERED" => Has(m, MessageFlags.Answered),
            "DELETED" => Has(m, MessageFlags.Deleted),
            "DRAFT" => Has(m, MessageFlags.Draft),
            "FLAGGED" => Has(m, MessageFlags.Flagged),
            "SEEN" => Has(m, MessageFlags.Seen),
            "UNANSWERED" => !Has(m, MessageFlags.Answered),
            "UNDELETED" => !Has(m, MessageFlags.Deleted),
            "UNDRAFT" => !Has(m, MessageFlags.Draft),
            "UNFLAGGED" => !Has(m, MessageFlags.Flagged),
            "UNSEEN" => !Has(m, MessageFlags.Seen),

            // RFC 3501 §6.4.4: NEW is RECENT UNSEEN; OLD is NOT RECENT.
            "RECENT" => c.IsRecent,
            "NEW" => c.IsRecent && !Has(m, MessageFlags.Seen),
            "OLD" => !c.IsRecent,
            "KEYWORD" => m.Keywords.Contains(Text!, StringComparer.OrdinalIgnoreCase),
            "UNKEYWORD" => !m.Keywords.Contains(Text!, StringComparer.OrdinalIgnoreCase),
            "LARGER" => m.Size > Number,
            "SMALLER" => m.Size < Number,
            "BEFORE" => m.InternalDate.Date < Date.Date,
            "ON" => m.InternalDate.Date == Date.Date,
            "SINCE" => m.InternalDate.Date >= Date.Date,
            "SENTBEFORE" => SentDate(c) is { } d1 && d1.Date < Date.Date,
            "SENTON" => SentDate(c) is { } d2 && d2.Date == Date.Date,
            "SENTSINCE" => SentDate(c) is { } d3 && d3.Date >= Date.Date,
            "HEADER" => c.Root!.Headers.Any(h => h.Name.Equals(Field, StringComparison.OrdinalIgnoreCase) && Contains(EncodedWords.Decode(h.Value), Text!)),
            "FROM" or "TO" or "CC" or "BCC" or "SUBJECT" => c.Root!.Headers.Any(h => h.Name.Equals(Kind, StringComparison.OrdinalIgnoreCase) && Contains(EncodedWords.Decode(h.Value), Text!)),
            "BODY" => c.BodyTexts.Any(t => Contains(t, Text!)),
            "TEXT" => Contains(SearchText.Headers(c.Root!), Text!) || c.BodyTexts.Any(t => Contains(t, Text!)),
            _ => false,
        };
    }

    private static bool Has(MessageInfo m, MessageFlags flag) => (m.Flags & flag) != 0;

    private static bool Contains(string haystack, string needle) => haystack.Contains(needle, StringComparison.OrdinalIgnoreCase);

    private static DateTimeOffset? SentDate(SearchCandidate c) => DateParser.TryParse(c.Root!.GetHeader("Date"), out var d) ? d : null;
}
