using System.Text;
using MailKitServer.Mime;

namespace MailKitServer.Testing;

/// <summary>
/// A message the sandbox accepted: the SMTP envelope (so BCC recipients are visible), the raw octets as stored,
/// and the parsed parts a test usually asserts on.
/// </summary>
public sealed class ReceivedMessage
{
    private readonly MimeEntity _root;

    internal ReceivedMessage(long sequence, string envelopeSender, IReadOnlyList<string> envelopeRecipients, byte[] raw, DateTimeOffset receivedAt)
    {
        Sequence = sequence;
        EnvelopeSender = envelopeSender;
        EnvelopeRecipients = envelopeRecipients;
        Raw = raw;
        ReceivedAt = receivedAt;
        _root = MimeParser.Parse(raw);
        var envelope = Envelope.FromMessage(_root);
        Subject = envelope.Subject is null ? null : EncodedWords.Decode(Unfold(envelope.Subject));
        From = Addresses(envelope.From);
        To = Addresses(envelope.To);
        Cc = Addresses(envelope.Cc);
        MessageId = envelope.MessageId;
        Date = DateParser.TryParse(envelope.Date, out var date) ? date : null;
        Headers = _root.Headers.Select(h => new KeyValuePair<string, string>(h.Name, EncodedWords.Decode(Unfold(h.Value)))).ToList();
        foreach (var part in _root.Descendants().Where(p => !p.ContentType.IsMultipart && !p.ContentType.IsMessage))
        {
            if (part.EndOffset > raw.Length)
            {
                continue;
            }

            var decoded = TransferDecoding.Decode(raw.AsSpan((int)part.BodyOffset, (int)part.BodySize), part.TransferEncoding);
            var attachment = part.Disposition?.Disposition == "attachment";
            if (!attachment && part.ContentType.MediaType == "text" && part.ContentType.SubType is "plain" or "html")
            {
                var text = TransferDecoding.ToText(decoded, part.ContentType["charset"]);
                if (part.ContentType.SubType == "plain")
                {
                    TextBody ??= text;
                }
                else
                {
                    HtmlBody ??= text;
                }

                continue;
            }

            var name = part.Disposition?.FileName ?? part.ContentType["name"];
            Attachments.Add(new ReceivedAttachment(name is null ? null : EncodedWords.Decode(name), part.ContentType.MediaType + "/" + part.ContentType.SubType, decoded));
        }
    }

    /// <summary>The order of arrival (1, 2, ...).</summary>
    public long Sequence { get; }

    /// <summary>The SMTP envelope sender (MAIL FROM), empty for the null sender.</summary>
    public string EnvelopeSender { get; }

    /// <summary>The mailboxes it was delivered to (RCPT TO after aliases), BCC included.</summary>
    public IReadOnlyList<string> EnvelopeRecipients { get; }

    /// <summary>The message as stored, trace headers (Return-Path, Received) included.</summary>
    public byte[] Raw { get; }

    /// <summary>When the sandbox stored it.</summary>
    public DateTimeOffset ReceivedAt { get; }

    /// <summary>The Subject, RFC 2047 words decoded.</summary>
    public string? Subject { get; }

    /// <summary>The From addresses.</summary>
    public IReadOnlyList<string> From { get; }

    /// <summary>The To addresses.</summary>
    public IReadOnlyList<string> To { get; }

    /// <summary>The Cc addresses.</summary>
    public IReadOnlyList<string> Cc { get; }

    /// <summary>The Message-ID, with its angle brackets.</summary>
    public string? MessageId { get; }

    /// <summary>The Date header, if it parses.</summary>
    public DateTimeOffset? Date { get; }

    /// <summary>Every header field in order, values unfolded and decoded.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; }

    /// <summary>The first text/plain part that is not an attachment, decoded to text.</summary>
    public string? TextBody { get; }

    /// <summary>The first text/html part that is not an attachment, decoded to text.</summary>
    public string? HtmlBody { get; }

    /// <summary>The other parts, decoded.</summary>
    public List<ReceivedAttachment> Attachments { get; } = [];

    /// <summary>The value of the first header field with this name, decoded, or null.</summary>
    /// <param name="name">The field name (any case).</param>
    /// <returns>The value.</returns>
    public string? Header(string name) => Headers.FirstOrDefault(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;

    /// <summary>The message as text (UTF-8).</summary>
    /// <returns>The text.</returns>
    public override string ToString() => Encoding.UTF8.GetString(Raw);

    /// <summary>RFC 5322 §2.2.3: a CRLF followed by white space is folding.</summary>
    private static string Unfold(string value) => value.Replace("\r\n ", " ", StringComparison.Ordinal).Replace("\r\n\t", "\t", StringComparison.Ordinal).Trim();

    private static List<string> Addresses(IReadOnlyList<EnvelopeAddress>? list) =>
        list is null ? [] : list.Where(a => !a.IsGroupMarker && a.Address is not null).Select(a => a.Address!).ToList();
}
