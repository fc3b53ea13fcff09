using System.Text;
using MimeKit;

namespace MailKitServer.Testing;

/// <summary>
/// A message the sandbox accepted: the SMTP envelope (so BCC recipients are visible), the raw octets as stored, and
/// the message parsed by MimeKit (<see cref="MimeMessage"/>, parsed once, when first asked for) with the
/// conveniences a test usually asserts on.
/// </summary>
public sealed class ReceivedMessage
{
    private readonly Lazy<MimeMessage> _message;
    private readonly Lazy<Parts> _parts;

    internal ReceivedMessage(long sequence, string envelopeSender, IReadOnlyList<string> envelopeRecipients, byte[] raw, DateTimeOffset receivedAt)
    {
        Sequence = sequence;
        EnvelopeSender = envelopeSender;
        EnvelopeRecipients = envelopeRecipients;
        Raw = raw;
        ReceivedAt = receivedAt;
        _message = new Lazy<MimeMessage>(() => MimeMessage.Load(new MemoryStream(raw, writable: false)), LazyThreadSafetyMode.ExecutionAndPublication);
        _parts = new Lazy<Parts>(() => Parts.Of(MimeMessage), LazyThreadSafetyMode.ExecutionAndPublication);
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

    /// <summary>The message parsed by MimeKit from <see cref="Raw"/> (parsed on first use, then kept).</summary>
    public MimeMessage MimeMessage => _message.Value;

    /// <summary>The Subject, RFC 2047 words decoded (MimeKit's <see cref="MimeMessage.Subject"/>), or <see langword="null"/>.</summary>
    public string? Subject => MimeMessage.Subject;

    /// <summary>The From addresses, display names included.</summary>
    public InternetAddressList From => MimeMessage.From;

    /// <summary>The To addresses, display names included.</summary>
    public InternetAddressList To => MimeMessage.To;

    /// <summary>The Cc addresses, display names included. Bcc recipients are only in <see cref="EnvelopeRecipients"/>.</summary>
    public InternetAddressList Cc => MimeMessage.Cc;

    /// <summary>The Message-ID without its angle brackets (as MimeKit gives it), or <see langword="null"/>.</summary>
    public string? MessageId => MimeMessage.MessageId;

    /// <summary>The Date header, or <see langword="null"/> when it is missing or does not parse (MimeKit gives <see cref="DateTimeOffset.MinValue"/> then).</summary>
    public DateTimeOffset? Date => MimeMessage.Headers.Contains(HeaderId.Date) && MimeMessage.Date != DateTimeOffset.MinValue ? MimeMessage.Date : null;

    /// <summary>Every header field in order, as MimeKit parsed them (<see cref="Header.Value"/> is unfolded and decoded).</summary>
    public HeaderList Headers => MimeMessage.Headers;

    /// <summary>
    /// The first text/plain part anywhere in the message that is not an attachment, decoded to text. Unlike
    /// MimeKit's <see cref="MimeMessage.TextBody"/>, which looks only where a mail client would show the body (the
    /// first part of a multipart/mixed, the preferred part of a multipart/alternative), this takes any text/plain
    /// part of the message's own tree; parts of an attached message/rfc822 are not searched.
    /// </summary>
    public string? TextBody => _parts.Value.Text;

    /// <summary>The first text/html part that is not an attachment, decoded to text (see <see cref="TextBody"/> for how it differs from MimeKit's).</summary>
    public string? HtmlBody => _parts.Value.Html;

    /// <summary>
    /// Every leaf part except the text/plain and text/html parts that are not attachments: attachments and inline
    /// parts alike (see <see cref="ReceivedAttachment.IsInline"/>), an attached message/rfc822 as one part. MimeKit's
    /// <see cref="MimeMessage.Attachments"/> lists only parts with an <c>attachment</c> disposition.
    /// </summary>
    public IReadOnlyList<ReceivedAttachment> Attachments => _parts.Value.Attachments;

    /// <summary>The value of the first header field with this name, decoded, or <see langword="null"/>.</summary>
    /// <param name="name">The field name (any case).</param>
    /// <returns>The value.</returns>
    public string? Header(string name) => MimeMessage.Headers[name];

    /// <summary>The message as text (UTF-8).</summary>
    /// <returns>The text.</returns>
    public override string ToString() => Encoding.UTF8.GetString(Raw);

    private sealed record Parts(string? Text, string? Html, IReadOnlyList<ReceivedAttachment> Attachments)
    {
        public static Parts Of(MimeMessage message)
        {
            string? text = null;
            string? html = null;
            var attachments = new List<ReceivedAttachment>();
            foreach (var part in message.BodyParts)
            {
                if (part is TextPart { IsAttachment: false } body && (body.IsPlain || body.IsHtml))
                {
                    if (body.IsPlain)
                    {
                        text ??= body.Text;
                    }
                    else
                    {
                        html ??= body.Text;
                    }

                    continue;
                }

                attachments.Add(new ReceivedAttachment(part));
            }

            return new Parts(text, html, attachments);
        }
    }
}
