using System.Globalization;
using System.IO.Compression;
using MimeKit;

namespace MailKitServer.Smtp.Outbound.TlsRpt;

/// <summary>The mail that carries one report to a <c>mailto:</c> address (RFC 8460 §5.3).</summary>
internal static class TlsReportMessage
{
    /// <summary>Composes the message, CRLF line endings.</summary>
    /// <param name="from">The report sender's address (From).</param>
    /// <param name="to">The rua address.</param>
    /// <param name="submitter">Our domain ("TLS-Report-Submitter").</param>
    /// <param name="domain">The policy domain ("TLS-Report-Domain").</param>
    /// <param name="reportId">The report's id.</param>
    /// <param name="day">The UTC day reported on.</param>
    /// <param name="json">The report (RFC 8460 §4.4).</param>
    /// <param name="now">The Date field.</param>
    public static byte[] Compose(string from, string to, string submitter, string domain, string reportId, DateOnly day, byte[] json, DateTimeOffset now)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse(to));
        message.Date = now;
        message.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId(submitter);

        // §5.3: the subject names the policy domain, the submitter and the report id; two fields say the same.
        message.Subject = $"Report Domain: {domain} Submitter: {submitter} Report-ID: <{reportId}>";
        message.Headers.Add("TLS-Report-Domain", domain);
        message.Headers.Add("TLS-Report-Submitter", submitter);

        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(json);
        }

        // §5.1: submitter!policy-domain!begin!end!id.json.gz, the times as seconds since the epoch.
        var begin = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc));
        var name = string.Create(CultureInfo.InvariantCulture, $"{submitter}!{domain}!{begin.ToUnixTimeSeconds()}!{begin.AddDays(1).AddSeconds(-1).ToUnixTimeSeconds()}!{reportId}.json.gz");

        // §5.3: multipart/report with report-type "tlsrpt": a human-readable part, then the report as application/tlsrpt+gzip.
        var report = new MultipartReport("tlsrpt")
        {
            new TextPart("plain")
            {
                Text = $"This is an aggregate TLS report (RFC 8460) from {submitter} for {domain}, covering {day:yyyy-MM-dd} (UTC).\r\n",
            },
            new MimePart("application", "tlsrpt+gzip")
            {
                Content = new MimeContent(new MemoryStream(compressed.ToArray(), writable: false)),
                ContentTransferEncoding = ContentEncoding.Base64,
                ContentDisposition = new ContentDisposition(ContentDisposition.Attachment) { FileName = name },
            },
        };
        message.Body = report;
        using var output = new MemoryStream();
        message.WriteTo(new FormatOptions { NewLineFormat = NewLineFormat.Dos }, output);
        return output.ToArray();
    }
}
