using System.Globalization;
using System.Text;
using MailKitServer.Delivery;
using MailKitServer.Delivery.Queue;
using MailKitServer.Mime;

namespace MailKitServer.Smtp.Outbound;

/// <summary>
/// Writes delivery status notifications (RFC 3464): multipart/report (RFC 6522) with a human-readable part, a
/// message/delivery-status part with one block per recipient, and the original message (RET=FULL, the default
/// here) or its header (RET=HDRS).
/// </summary>
internal static class DsnComposer
{
    public static byte[] Compose(QueuedMessage message, IReadOnlyList<QueuedRecipient> recipients, DsnAction action, string reportingMta, byte[] original, DateTimeOffset now, DateTimeOffset? retryUntil)
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
            human.Append("<").Append(r.Address).Append(">: ").Append(r.Diagnostic ?? r.Status ?? action.ToString().ToLowerInvariant()).Append('\n');
        }

        var status = new StringBuilder();
        status.Append("Reporting-MTA: dns; ").Append(reportingMta).Append('\n');
        if (message.EnvelopeId is { } envid)
        {
            status.Append("Original-Envelope-Id: ").Append(envid).Append('\n');
        }

        status.Append("Arrival-Date: ").Append(DateParser.Format(message.ArrivedAt)).Append('\n');
        foreach (var r in recipients)
        {
            status.Append('\n');
            if (r.OriginalRecipient is { } orcpt)
            {
                status.Append("Original-Recipient: ").Append(orcpt.Contains(';', StringComparison.Ordinal) ? orcpt : "rfc822;" + orcpt).Append('\n');
            }

            status.Append("Final-Recipient: rfc822; ").Append(r.Address).Append('\n');
            status.Append("Action: ").Append(action.ToString().ToLowerInvariant()).Append('\n');
            status.Append("Status: ").Append(r.Status ?? (action == DsnAction.Failed ? "5.0.0" : action == DsnAction.Delayed ? "4.0.0" : "2.0.0")).Append('\n');
            if (r.RemoteMta is { } remote)
            {
                status.Append("Remote-MTA: dns; ").Append(remote).Append('\n');
            }

            if (r.Diagnostic is { } diagnostic)
            {
                status.Append("Diagnostic-Code: ").Append(diagnostic.Replace("\r", " ", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal)).Append('\n');
            }

            if (r.LastAttempt is { } last)
            {
                status.Append("Last-Attempt-Date: ").Append(DateParser.Format(last)).Append('\n');
            }

            if (action == DsnAction.Delayed && retryUntil is { } until)
            {
                status.Append("Will-Retry-Until: ").Append(DateParser.Format(until)).Append('\n');
            }
        }

        var headersOnly = message.Return == DsnReturn.Headers;
        var returned = headersOnly ? HeaderOf(original) : original;
        var report = new MultipartBuilder("report", ("report-type", "delivery-status"));
        report.Parts.Add(new TextPartBuilder(human.ToString()));
        report.Parts.Add(new TextPartBuilder(status.ToString(), "message/delivery-status"));
        report.Parts.Add(new MessagePartBuilder(returned, headersOnly ? "text/rfc822-headers" : message.SmtpUtf8 ? "message/global" : "message/rfc822"));
        var builder = new MimeMessageBuilder { Body = report }
            .Header("From", $"Mail Delivery System <MAILER-DAEMON@{reportingMta}>")
            .Header("To", $"<{message.ReversePath}>")
            .Header("Subject", action switch
            {
                DsnAction.Failed => "Undelivered Mail Returned to Sender",
                DsnAction.Delayed => "Delayed Mail (still being retried)",
                _ => "Successful Mail Delivery Report",
            })
            .Header("Auto-Submitted", "auto-replied") // RFC 3834 §5
            .Header("Message-ID", $"<{message.Id}.{action.ToString().ToLowerInvariant()}.{now.ToUnixTimeMilliseconds()}@{reportingMta}>");
        return builder.ToArray(now);
    }

    /// <summary>The header of a message, up to and with the empty line.</summary>
    private static byte[] HeaderOf(byte[] message)
    {
        var end = message.AsSpan().IndexOf("\r\n\r\n"u8);
        return end < 0 ? message : message[..(end + 4)];
    }
}
