using System.Globalization;
using System.Text;
using MailKitServer.Delivery;
using MailKitServer.Smtp.Outbound.Queue;
using MimeKit;
using MimeKit.Utils;

namespace MailKitServer.Smtp.Outbound;

/// <summary>
/// Writes delivery status notifications (RFC 3464) with MimeKit: multipart/report (RFC 6522) holding a
/// human-readable part, a message/delivery-status part with one group per recipient, and the original message
/// (RET=FULL, the default here) or its header as text/rfc822-headers (RET=HDRS). The octets always end their lines
/// with CRLF, whatever the platform's newline, and the Message-ID names the reporting host, not the machine.
/// </summary>
internal static class DsnComposer
{
    /// <summary>RFC 5322 §2.1.1 / RFC 5321 §2.3.8: mail on the wire ends its lines with CRLF.</summary>
    private static readonly FormatOptions Wire = new() { NewLineFormat = NewLineFormat.Dos };

    /// <summary>The same for a notice that returns an SMTPUTF8 message (RFC 6532 headers kept as UTF-8).</summary>
    private static readonly FormatOptions WireUtf8 = new() { NewLineFormat = NewLineFormat.Dos, International = true };

    /// <summary>Composes a notice about some recipients of a message.</summary>
    /// <param name="message">The message the notice is about (envelope, ENVID, RET, arrival).</param>
    /// <param name="recipients">The recipients it reports, each with its last status.</param>
    /// <param name="action">What happened to them.</param>
    /// <param name="reportingMta">This server's host name: the Reporting-MTA, the From domain and the Message-ID domain.</param>
    /// <param name="original">The message's content as queued.</param>
    /// <param name="now">The notice's Date.</param>
    /// <param name="retryUntil">For a delay notice, when the queue gives up.</param>
    /// <returns>The notice, CRLF line endings.</returns>
    public static byte[] Compose(QueuedMessage message, IReadOnlyList<QueuedRecipient> recipients, DsnAction action, string reportingMta, byte[] original, DateTimeOffset now, DateTimeOffset? retryUntil)
    {
        var report = new MultipartReport("delivery-status")
        {
            HumanReadable(recipients, action, reportingMta, retryUntil),
            DeliveryStatus(message, recipients, action, reportingMta, retryUntil),
            Returned(message, original),
        };

        var notice = new MimeMessage();
        notice.Headers.Clear();
        notice.From.Add(new MailboxAddress("Mail Delivery System", "MAILER-DAEMON@" + reportingMta));
        notice.To.Add(Recipient(message.ReversePath));
        notice.Subject = action switch
        {
            DsnAction.Failed => "Undelivered Mail Returned to Sender",
            DsnAction.Delayed => "Delayed Mail (still being retried)",
            _ => "Successful Mail Delivery Report",
        };
        notice.Date = now;
        notice.MessageId = MimeUtils.GenerateMessageId(reportingMta);
        notice.Headers.Add("Auto-Submitted", "auto-replied"); // RFC 3834 §5
        notice.MimeVersion = new Version(1, 0);
        notice.Body = report;
        using var output = new MemoryStream();
        notice.WriteTo(message.SmtpUtf8 ? WireUtf8 : Wire, output);
        return output.ToArray();
    }

    private static TextPart HumanReadable(IReadOnlyList<QueuedRecipient> recipients, DsnAction action, string reportingMta, DateTimeOffset? retryUntil)
    {
        var human = new StringBuilder();
        human.Append("This is the mail system at host ").Append(reportingMta).Append(".\n\n");
        human.Append(action switch
        {
            DsnAction.Failed => "I'm sorry to have to inform you that your message could not\nbe delivered to one or more recipients. The details follow.\n",
            DsnAction.Delayed => "Your message could not be delivered yet. It is still queued and\ndelivery will be tried again" + (retryUntil is { } until ? " until " + until.ToString("R", CultureInfo.InvariantCulture) : string.Empty) + ".\n",
            _ => "Your message was successfully delivered to the recipients below.\n",
        });
        human.Append('\n');
        foreach (var r in recipients)
        {
            human.Append('<').Append(r.Address).Append(">: ").Append(r.Diagnostic ?? r.Status ?? ActionName(action)).Append('\n');
        }

        var text = human.ToString();
        var part = new TextPart("plain");
        part.SetText(Ascii.IsValid(text) ? "us-ascii" : "utf-8", text);

        // RFC 5322 §2.1.1: lines up to 998 octets are allowed; only a non-ASCII diagnostic needs an encoding.
        part.ContentTransferEncoding = part.GetBestEncoding(EncodingConstraint.SevenBit, 998);
        return part;
    }

    private static MessageDeliveryStatus DeliveryStatus(QueuedMessage message, IReadOnlyList<QueuedRecipient> recipients, DsnAction action, string reportingMta, DateTimeOffset? retryUntil)
    {
        var status = new MessageDeliveryStatus();

        // RFC 3464 §2.2: the per-message fields, then §2.3: one group of per-recipient fields each.
        var perMessage = new HeaderList { { "Reporting-MTA", "dns; " + reportingMta } };
        if (message.EnvelopeId is { } envid)
        {
            perMessage.Add("Original-Envelope-Id", envid);
        }

        perMessage.Add("Arrival-Date", DateUtils.FormatDate(message.ArrivedAt));
        status.StatusGroups.Add(perMessage);
        foreach (var r in recipients)
        {
            var group = new HeaderList();
            if (r.OriginalRecipient is { } orcpt)
            {
                group.Add("Original-Recipient", orcpt.Contains(';', StringComparison.Ordinal) ? orcpt : "rfc822;" + orcpt);
            }

            group.Add("Final-Recipient", "rfc822; " + r.Address);
            group.Add("Action", ActionName(action));
            group.Add("Status", r.Status ?? (action == DsnAction.Failed ? "5.0.0" : action == DsnAction.Delayed ? "4.0.0" : "2.0.0"));
            if (r.RemoteMta is { } remote)
            {
                group.Add("Remote-MTA", "dns; " + remote);
            }

            if (r.Diagnostic is { } diagnostic)
            {
                group.Add("Diagnostic-Code", diagnostic.Replace("\r", " ", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal));
            }

            if (r.LastAttempt is { } last)
            {
                group.Add("Last-Attempt-Date", DateUtils.FormatDate(last));
            }

            if (action == DsnAction.Delayed && retryUntil is { } until)
            {
                group.Add("Will-Retry-Until", DateUtils.FormatDate(until));
            }

            status.StatusGroups.Add(group);
        }

        return status;
    }

    /// <summary>The returned content: the whole message (RFC 3462 §3) or, for RET=HDRS, its header only (RFC 6522 §4).</summary>
    private static MessagePart Returned(QueuedMessage message, byte[] original)
    {
        using var stream = new MemoryStream(original, writable: false);
        if (message.Return == DsnReturn.Headers)
        {
            var header = HeaderList.Load(stream);
            var headersOnly = new MimeMessage(header) { Body = null };
            return new TextRfc822Headers { Message = headersOnly };
        }

        // RFC 6532 §3.7: an SMTPUTF8 message comes back as message/global.
        return new MessagePart(message.SmtpUtf8 ? "global" : "rfc822") { Message = MimeMessage.Load(stream) };
    }

    /// <summary>The notice's To: the reverse-path, which an SMTPUTF8 sender may write in UTF-8.</summary>
    private static MailboxAddress Recipient(string reversePath) =>
        MailboxAddress.TryParse(ParserOptions.Default, reversePath, out var address) ? address : new MailboxAddress(string.Empty, reversePath);

    private static string ActionName(DsnAction action) => action.ToString().ToLowerInvariant();
}
