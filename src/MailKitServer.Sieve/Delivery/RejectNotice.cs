using MailKitServer.Sieve.Execution;
using MimeKit;
using MimeKit.Utils;

namespace MailKitServer.Sieve.Delivery;

/// <summary>
/// The notice a reject sends when it cannot be given in the protocol (RFC 5429 §2.1.1): a disposition notification
/// (RFC 8098) with the reason, "deleted", and the refused message's header.
/// </summary>
internal static class RejectNotice
{
    /// <summary>Composes the notice.</summary>
    /// <param name="message">The refused message.</param>
    /// <param name="sender">Its envelope sender (the notice's recipient).</param>
    /// <param name="recipient">The user who refused it.</param>
    /// <param name="reason">The reason the script gave.</param>
    /// <param name="now">The date.</param>
    /// <returns>The notice, CRLF line endings.</returns>
    public static byte[] Compose(SieveMessage message, string sender, string recipient, string reason, DateTimeOffset now)
    {
        var notice = new MimeMessage();
        notice.From.Add(MailboxAddress.Parse(recipient));
        notice.To.Add(MailboxAddress.Parse(sender));
        notice.Subject = "Rejected: " + (message.Mime.Subject ?? string.Empty);
        notice.Date = now;
        notice.MessageId = MimeUtils.GenerateMessageId(notice.From.Mailboxes.First().Domain);
        notice.Headers.Add("Auto-Submitted", "auto-replied (rejected)");
        var report = new MultipartReport("disposition-notification")
        {
            new TextPart("plain") { Text = $"Your message to <{recipient}> was refused by the recipient's rules:\r\n\r\n{reason}\r\n" },
        };
        var fields = $"Reporting-UA: MailKitServer; Sieve\r\nFinal-Recipient: rfc822; {recipient}\r\n"
            + (message.Mime.MessageId is { } id ? $"Original-Message-ID: <{id}>\r\n" : string.Empty)
            + "Disposition: automatic-action/MDN-sent-automatically; deleted\r\n";
        report.Add(new MimePart("message", "disposition-notification") { Content = new MimeContent(new MemoryStream(System.Text.Encoding.ASCII.GetBytes(fields))) });
        var headers = new MemoryStream();
        message.Mime.Headers.WriteTo(FormatOptions.Default, headers);
        headers.Position = 0;
        report.Add(new MimePart("text", "rfc822-headers") { Content = new MimeContent(headers) });
        notice.Body = report;
        using var stream = new MemoryStream();
        notice.WriteTo(new FormatOptions { NewLineFormat = NewLineFormat.Dos }, stream);
        return stream.ToArray();
    }
}
