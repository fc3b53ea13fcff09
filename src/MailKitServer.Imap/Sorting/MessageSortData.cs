using MailKitServer.Imap.Threading;
using MailKitServer.Imap.Structure;
using MimeKit.Utils;

namespace MailKitServer.Imap.Sorting;

/// <summary>
/// What SORT and THREAD need from one message's header, worked out once and cached (a message never changes once
/// stored): collation keys for the string keys, the sent date, and the ids REFERENCES threading links.
/// </summary>
internal sealed class MessageSortData
{
    /// <summary>Data for a message with no header at all.</summary>
    public static MessageSortData Empty { get; } = FromHeaders([]);

    /// <summary>The sent date in UTC ticks (RFC 5256 §2.2), or <see langword="null"/> when Date is missing or unparsable.</summary>
    public long? SentDate { get; private init; }

    /// <summary>The base subject's collation key (RFC 5256 §2.1, i;unicode-casemap).</summary>
    public byte[] Subject { get; private init; } = [];

    /// <summary>Whether base subject extraction removed a reply or forward marker (REFERENCES step 5).</summary>
    public bool IsReplyOrForward { get; private init; }

    /// <summary>The collation key of the first From address's addr-mailbox.</summary>
    public byte[] From { get; private init; } = [];

    /// <summary>The collation key of the first To address's addr-mailbox.</summary>
    public byte[] To { get; private init; } = [];

    /// <summary>The collation key of the first Cc address's addr-mailbox.</summary>
    public byte[] Cc { get; private init; } = [];

    /// <summary>The collation key of the first From address's display value (RFC 5957 §3).</summary>
    public byte[] DisplayFrom { get; private init; } = [];

    /// <summary>The collation key of the first To address's display value (RFC 5957 §3).</summary>
    public byte[] DisplayTo { get; private init; } = [];

    /// <summary>The normalised Message-ID, or <see langword="null"/> when there is no valid one.</summary>
    public string? MessageId { get; private init; }

    /// <summary>
    /// The references for REFERENCES threading: the ids of References, or when it has none, the first id of
    /// In-Reply-To (RFC 5256 §3).
    /// </summary>
    public IReadOnlyList<string> References { get; private init; } = [];

    /// <summary>Works the data out from a message's header fields (the first field of each name counts).</summary>
    /// <param name="headers">The top-level header fields, values unfolded, encoded words not yet decoded.</param>
    /// <returns>The data.</returns>
    public static MessageSortData FromHeaders(IReadOnlyList<HeaderField> headers)
    {
        string? Header(string name)
        {
            foreach (var field in headers)
            {
                if (field.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
                {
                    return field.Value;
                }
            }

            return null;
        }

        var subject = BaseSubject.Extract(EncodedWords.Decode(Header("Subject") ?? string.Empty), out var reply);
        var from = FirstAddress(Header("From"));
        var to = FirstAddress(Header("To"));
        var references = MessageIdParser.All(Header("References"));
        if (references.Count == 0 && MessageIdParser.First(Header("In-Reply-To")) is { } parent)
        {
            references.Add(parent);
        }

        return new MessageSortData
        {
            SentDate = Header("Date") is { } sent && DateUtils.TryParse(sent, out var date) ? date.UtcTicks : null,
            Subject = UnicodeCasemap.Key(subject),
            IsReplyOrForward = reply,
            From = UnicodeCasemap.Key(from?.Mailbox ?? string.Empty),
            To = UnicodeCasemap.Key(to?.Mailbox ?? string.Empty),
            Cc = UnicodeCasemap.Key(FirstAddress(Header("Cc"))?.Mailbox ?? string.Empty),
            DisplayFrom = UnicodeCasemap.Key(DisplayValue(from)),
            DisplayTo = UnicodeCasemap.Key(DisplayValue(to)),
            MessageId = MessageIdParser.First(Header("Message-ID")),
            References = references,
        };
    }

    /// <summary>
    /// The first address of an address list as ENVELOPE shows it; for a group that is the group's start marker, whose
    /// addr-mailbox is the group name (as Dovecot sorts it).
    /// </summary>
    private static EnvelopeAddress? FirstAddress(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var addresses = AddressParser.Parse(value);
        return addresses.Count > 0 ? addresses[0] : null;
    }

    /// <summary>RFC 5957 §3: the decoded addr-name if not empty, else addr-mailbox@addr-host, else addr-mailbox, else "".</summary>
    private static string DisplayValue(EnvelopeAddress? address)
    {
        if (address is null)
        {
            return string.Empty;
        }

        if (address.Name is { } name && EncodedWords.Decode(name) is { Length: > 0 } decoded)
        {
            return decoded;
        }

        return address switch
        {
            { Mailbox: { } mailbox, Host: { } host } => mailbox + "@" + host,
            { Mailbox: { } mailbox } => mailbox,
            _ => string.Empty,
        };
    }
}
