using MailKitServer.Imap.Parsing;
using MailKitServer.Imap.Structure;
using MailKitServer.Storage;
using MimeKit.Utils;

namespace MailKitServer.Imap.Search;

/// <summary>
/// One node of a parsed SEARCH program (RFC 9051 §6.4.4). The tree is at most <see cref="SearchParser.MaxDepth"/>
/// deep, so matching it recurses a bounded number of times.
/// </summary>
internal sealed class SearchKey
{
    // What the program needs, worked out once (a key never changes once parsed): SEARCH asks for every message.
    private bool? _needsHeaders;
    private bool? _needsThreadId;
    private bool? _needsBodyText;
    private bool? _readsNamedFieldsOnly;

    public SearchKeyKind Kind { get; init; } = SearchKeyKind.All;

    public string? Text { get; init; }

    public string? Field { get; init; }

    public long Number { get; init; }

    public ulong ModSeq { get; init; }

    public DateTime Date { get; init; }

    public SequenceSet? Set { get; init; }

    public IReadOnlyList<SearchKey> Children { get; init; } = [];

    /// <summary>Whether matching needs the message's header fields (its parsed structure).</summary>
    public bool NeedsHeaders => _needsHeaders ??= Kind is SearchKeyKind.Header or SearchKeyKind.From or SearchKeyKind.To or SearchKeyKind.Cc or SearchKeyKind.Bcc
        or SearchKeyKind.Subject or SearchKeyKind.SentBefore or SearchKeyKind.SentOn or SearchKeyKind.SentSince or SearchKeyKind.Text
        || Children.Any(c => c.NeedsHeaders);

    /// <summary>
    /// Whether the header fields the program reads are named fields whose value it searches (HEADER, SUBJECT): then a
    /// header block's octets serve as well as a parsed structure, and better, since only the named field becomes text.
    /// </summary>
    public bool ReadsNamedFieldsOnly => _readsNamedFieldsOnly ??= Kind is SearchKeyKind.Header or SearchKeyKind.Subject || (!NeedsHeaders && Kind != SearchKeyKind.Text)
        || (Kind is SearchKeyKind.And or SearchKeyKind.Or or SearchKeyKind.Not && Children.All(c => c.ReadsNamedFieldsOnly));

    /// <summary>Whether matching needs the message's THREADID (RFC 8474), worked out from its cached header data.</summary>
    public bool NeedsThreadId => _needsThreadId ??= Kind == SearchKeyKind.ThreadId || Children.Any(c => c.NeedsThreadId);

    /// <summary>Whether the program compares with the current time (WITHIN, RFC 5032): its result changes as time passes.</summary>
    public bool UsesNow => Kind is SearchKeyKind.Older or SearchKeyKind.Younger || Children.Any(c => c.UsesNow);

    /// <summary>Whether matching needs the decoded text of the message's text parts.</summary>
    public bool NeedsBodyText => _needsBodyText ??= Kind is SearchKeyKind.Body or SearchKeyKind.Text || Children.Any(c => c.NeedsBodyText);

    /// <summary>Whether the program names messages by sequence number (then no EXPUNGE may come while it runs, RFC 9051 §5.5).</summary>
    public bool UsesSequenceNumbers => (Kind == SearchKeyKind.Sequence && Set is { IsSaved: false }) || Children.Any(c => c.UsesSequenceNumbers);

    /// <summary>Whether the program has a MODSEQ key (then SEARCH reports the highest MODSEQ, RFC 7162 §3.1.5).</summary>
    public bool UsesModSeq => Kind == SearchKeyKind.ModSeq || Children.Any(c => c.UsesModSeq);

    public bool Matches(SearchCandidate c)
    {
        var m = c.Info;
        return Kind switch
        {
            SearchKeyKind.All => true,
            SearchKeyKind.And => Children.All(k => k.Matches(c)),
            SearchKeyKind.Or => Children[0].Matches(c) || Children[1].Matches(c),
            SearchKeyKind.Not => !Children[0].Matches(c),
            SearchKeyKind.Sequence => Set!.IsSaved ? c.Saved.Contains(m.Uid) : Set.Contains((uint)c.Sequence, (uint)c.Count),
            SearchKeyKind.Uid => Set!.IsSaved ? c.Saved.Contains(m.Uid) : Set.Contains(m.Uid, c.LargestUid),
            SearchKeyKind.Answered => Has(m, SystemFlags.Answered),
            SearchKeyKind.Deleted => Has(m, SystemFlags.Deleted),
            SearchKeyKind.Draft => Has(m, SystemFlags.Draft),
            SearchKeyKind.Flagged => Has(m, SystemFlags.Flagged),
            SearchKeyKind.Seen => Has(m, SystemFlags.Seen),
            SearchKeyKind.Unanswered => !Has(m, SystemFlags.Answered),
            SearchKeyKind.Undeleted => !Has(m, SystemFlags.Deleted),
            SearchKeyKind.Undraft => !Has(m, SystemFlags.Draft),
            SearchKeyKind.Unflagged => !Has(m, SystemFlags.Flagged),
            SearchKeyKind.Unseen => !Has(m, SystemFlags.Seen),

            // RFC 3501 §6.4.4: NEW is RECENT UNSEEN; OLD is NOT RECENT.
            SearchKeyKind.Recent => c.IsRecent,
            SearchKeyKind.New => c.IsRecent && !Has(m, SystemFlags.Seen),
            SearchKeyKind.Old => !c.IsRecent,
            SearchKeyKind.Keyword => m.Keywords.Contains(Text!, StringComparer.OrdinalIgnoreCase),
            SearchKeyKind.Unkeyword => !m.Keywords.Contains(Text!, StringComparer.OrdinalIgnoreCase),
            SearchKeyKind.Larger => m.Size > Number,
            SearchKeyKind.Smaller => m.Size < Number,

            // RFC 9051 §6.4.4: dates compare disregarding time and time zone.
            SearchKeyKind.Before => m.InternalDate.Date < Date,
            SearchKeyKind.On => m.InternalDate.Date == Date,
            SearchKeyKind.Since => m.InternalDate.Date >= Date,
            SearchKeyKind.SentBefore => SentDate(c) is { } d1 && d1 < Date,
            SearchKeyKind.SentOn => SentDate(c) is { } d2 && d2 == Date,
            SearchKeyKind.SentSince => SentDate(c) is { } d3 && d3 >= Date,
            SearchKeyKind.Header => AnyFieldContains(c, Field!, Text!),
            SearchKeyKind.Subject => AnyFieldContains(c, "Subject", Text!),
            SearchKeyKind.From or SearchKeyKind.To or SearchKeyKind.Cc or SearchKeyKind.Bcc => c.Root is { } a && MatchesAddress(a, Kind.ToString()),
            SearchKeyKind.Body => BodyContains(c, Text!),
            // TEXT: the header of every part, the MIME parts' and encapsulated messages' too, as Dovecot searches
            // them (BODY searches neither); then the decoded text parts.
            SearchKeyKind.Text => (c.Root is { } t && t.Descendants().Any(p => SearchText.HeadersContain(p, Text!))) || BodyContains(c, Text!),

            // RFC 7162 §3.1.5: MODSEQ at least the value (the entry name and type are ignored: one MODSEQ per message).
            SearchKeyKind.ModSeq => m.ModSeq >= ModSeq,

            // RFC 8474 §6: exact matches; a store without object ids matches nothing.
            SearchKeyKind.EmailId => m.EmailId is { } emailId && emailId.Equals(Text, StringComparison.Ordinal),
            SearchKeyKind.ThreadId => c.ThreadId is { } threadId && threadId.Equals(Text, StringComparison.Ordinal),

            // RFC 8514 §4.3: by date disregarding time and zone; without a save date, the internal date instead.
            SearchKeyKind.SavedBefore => (m.SaveDate ?? m.InternalDate).Date < Date,
            SearchKeyKind.SavedOn => (m.SaveDate ?? m.InternalDate).Date == Date,
            SearchKeyKind.SavedSince => (m.SaveDate ?? m.InternalDate).Date >= Date,
            SearchKeyKind.SaveDateSupported => m.SaveDate is not null,

            // RFC 5032 §3: OLDER n, internal date at least n seconds ago; YOUNGER n, less than n seconds ago.
            SearchKeyKind.Older => m.InternalDate <= c.Now.AddSeconds(-Number),
            SearchKeyKind.Younger => m.InternalDate > c.Now.AddSeconds(-Number),
            _ => false,
        };
    }

    /// <summary>
    /// Matching before the text parts are read: <see langword="true"/> or <see langword="false"/> when the metadata and
    /// the top-level header fields decide, <see langword="null"/> when only the text parts (or the header fields of
    /// inner parts, for TEXT) can. Three-valued: AND is false when one side is, OR is true when one side is, NOT keeps
    /// an unknown unknown. A SEARCH FROM x BODY y over a large mailbox then reads the bodies of the messages from x
    /// only, and a SEARCH TEXT the bodies of the messages whose header does not have the string (issue 24).
    /// </summary>
    /// <param name="c">The candidate, with its top-level header fields (or whole structure) and no texts.</param>
    /// <returns>The result, or null when the text parts are needed.</returns>
    public bool? MatchesWithoutBody(SearchCandidate c) => Kind switch
    {
        SearchKeyKind.And => AllOf(c),
        // bool? | and ! are three-valued (true | null is true, false | null is null, !null is null).
        SearchKeyKind.Or => Children[0].MatchesWithoutBody(c) | Children[1].MatchesWithoutBody(c),
        SearchKeyKind.Not => !Children[0].MatchesWithoutBody(c),
        SearchKeyKind.Body => null,
        SearchKeyKind.Text => c.Root is { } t && SearchText.HeadersContain(t, Text!) ? true : null,
        _ => Matches(c),
    };

    private bool? AllOf(SearchCandidate c)
    {
        bool? result = true;
        foreach (var child in Children)
        {
            switch (child.MatchesWithoutBody(c))
            {
                case false:
                    return false;
                case null:
                    result = null;
                    break;
            }
        }

        return result;
    }

    /// <summary>
    /// FROM/TO/CC/BCC: the string in the decoded field, or in one of its addresses as "Name &lt;local@domain&gt;"
    /// (comments and folding gone, as Dovecot compares them).
    /// </summary>
    private bool MatchesAddress(StructurePart root, string field)
    {
        foreach (var h in root.Headers)
        {
            if (!h.Name.Equals(field, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (EncodedWords.DecodedContains(h.Value, Text!))
            {
                return true;
            }

            foreach (var address in AddressParser.Parse(h.Value))
            {
                var name = address.Name is null ? string.Empty : EncodedWords.Decode(address.Name);
                var text = address.IsGroupMarker ? address.Mailbox ?? string.Empty : $"{name} <{address.Address}>";
                if (Contains(text, Text!))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>Whether a text part holds the string: in its octets where they answer alike (<see cref="DecodedTextParts.AnyContains"/>).</summary>
    private static bool BodyContains(SearchCandidate c, string text) =>
        c.BodyTexts is DecodedTextParts parts ? parts.AnyContains(text) : c.BodyTexts.Any(t => Contains(t, text));

    private static bool Has(MessageInfo m, SystemFlags flag) => (m.Flags & flag) != 0;

    private static bool Contains(string haystack, string needle) => haystack.Contains(needle, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Whether a field of that name holds the text, decoded. Loops: they run for every message searched, and over a
    /// header block only the named field's value becomes a string (issue 24).
    /// </summary>
    private static bool AnyFieldContains(SearchCandidate c, string field, string text)
    {
        if (c.Structure is { } root)
        {
            var headers = root.Headers;
            for (var i = 0; i < headers.Count; i++)
            {
                if (headers[i].Name.Equals(field, StringComparison.OrdinalIgnoreCase) && EncodedWords.DecodedContains(headers[i].Value, text))
                {
                    return true;
                }
            }

            return false;
        }

        var reader = new HeaderFieldReader(c.HeaderBlock);
        while (reader.MoveNext())
        {
            if (System.Text.Ascii.EqualsIgnoreCase(reader.Name, field) && reader.DecodedValueContains(text))
            {
                return true;
            }
        }

        return false;
    }

    private static DateTime? SentDate(SearchCandidate c) => c.Root?.GetHeader("Date") is { } sent && DateUtils.TryParse(sent, out var d) ? d.Date : null;
}
