using System.Text;
using MailKitServer.Delivery;
using MailKitServer.Smtp.Outbound.Queue;
using MailKitServer.Smtp.Outbound;
using MailKitServer.TestSupport;
using MimeKit;

namespace MailKitServer.Smtp.Tests.Outbound;

/// <summary>Delivery status notifications as the queue composes them, read back by MimeKit and by Python's email package.</summary>
public class DsnComposerTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 3, 0, 0, TimeSpan.Zero);

    private static readonly byte[] Original = Encoding.UTF8.GetBytes("From: sender@example.test\r\nTo: nobody@remote.test\r\nSubject: lost\r\nMessage-ID: <orig@example.test>\r\n\r\nhello\r\nsecond line\r\n");

    private static QueuedMessage Queued(DsnReturn? ret = null, bool smtpUtf8 = false, string reversePath = "sender@example.test") => new()
    {
        Id = "q42",
        ReversePath = reversePath,
        Recipients = [],
        ArrivedAt = Now.AddHours(-1),
        EnvelopeId = "env-7",
        Return = ret,
        SmtpUtf8 = smtpUtf8,
    };

    private static QueuedRecipient Recipient(string address, string status, string diagnostic) => new()
    {
        Address = address,
        OriginalRecipient = "rfc822;" + address,
        Status = status,
        Diagnostic = diagnostic,
        RemoteMta = "mx.remote.test",
        LastAttempt = Now.AddMinutes(-1),
    };

    private static MimeMessage Load(byte[] notice) => MimeMessage.Load(new MemoryStream(notice));

    [Fact]
    public void A_failure_notice_is_a_delivery_status_report_with_crlf_lines_and_a_message_id_of_the_reporting_host()
    {
        var recipients = new[] { Recipient("nobody@remote.test", "5.1.1", "smtp; 550 5.1.1 No such user"), Recipient("gone@remote.test", "5.2.1", "smtp; 550 5.2.1 Mailbox disabled") };
        var notice = DsnComposer.Compose(Queued(), recipients, DsnAction.Failed, "mx.example.test", Original, Now, null);

        // RFC 5322 §2.1: every line ends with CRLF, whatever the platform's newline.
        Assert.DoesNotContain(notice.Select((b, i) => (b, i)), x => x.b == (byte)'\n' && (x.i == 0 || notice[x.i - 1] != (byte)'\r'));

        var message = Load(notice);
        Assert.EndsWith("@mx.example.test", message.MessageId, StringComparison.Ordinal);
        Assert.Equal("MAILER-DAEMON@mx.example.test", Assert.IsType<MailboxAddress>(Assert.Single(message.From)).Address);
        Assert.Equal("sender@example.test", Assert.IsType<MailboxAddress>(Assert.Single(message.To)).Address);
        Assert.Equal("auto-replied", message.Headers["Auto-Submitted"]);
        Assert.Equal(Now, message.Date);

        var report = Assert.IsType<MultipartReport>(message.Body);
        Assert.Equal("delivery-status", report.ReportType);
        Assert.Equal(3, report.Count);
        var human = Assert.IsType<TextPart>(report[0]);
        Assert.Contains("<nobody@remote.test>: smtp; 550 5.1.1 No such user", human.Text, StringComparison.Ordinal);
        Assert.Equal(("us-ascii", ContentEncoding.SevenBit), (human.ContentType.Charset, human.ContentTransferEncoding));

        var status = Assert.IsType<MessageDeliveryStatus>(report[1]);
        Assert.Equal(3, status.StatusGroups.Count(g => g.Count > 0)); // MimeKit reads the blank line before the boundary as one more (empty) group
        Assert.Equal("dns; mx.example.test", status.StatusGroups[0]["Reporting-MTA"]);
        Assert.Equal("env-7", status.StatusGroups[0]["Original-Envelope-Id"]);
        Assert.Equal("rfc822; nobody@remote.test", status.StatusGroups[1]["Final-Recipient"]);
        Assert.Equal("failed", status.StatusGroups[1]["Action"]);
        Assert.Equal("5.1.1", status.StatusGroups[1]["Status"]);
        Assert.Equal("dns; mx.remote.test", status.StatusGroups[1]["Remote-MTA"]);
        Assert.Equal("5.2.1", status.StatusGroups[2]["Status"]);

        var returned = Assert.IsType<MessagePart>(report[2]);
        Assert.Equal("message/rfc822", returned.ContentType.MimeType);
        Assert.Equal("lost", returned.Message!.Subject);
        Assert.Contains("Message-ID: <orig@example.test>\r\n\r\nhello\r\nsecond line\r\n", Encoding.UTF8.GetString(notice), StringComparison.Ordinal);
    }

    [Fact]
    public void Ret_hdrs_returns_only_the_header_as_text_rfc822_headers()
    {
        var notice = DsnComposer.Compose(Queued(DsnReturn.Headers), [Recipient("nobody@remote.test", "5.1.1", "smtp; 550 no")], DsnAction.Failed, "mx.example.test", Original, Now, null);
        var text = Encoding.UTF8.GetString(notice);
        Assert.DoesNotContain("second line", text, StringComparison.Ordinal);
        var headers = Assert.IsType<TextRfc822Headers>(Assert.IsType<MultipartReport>(Load(notice).Body)[2]);
        Assert.Equal("lost", headers.Message!.Subject);
    }

    [Fact]
    public void A_delay_notice_says_until_when_and_an_smtputf8_message_comes_back_as_message_global()
    {
        var original = Encoding.UTF8.GetBytes("From: jörg@bücher.test\r\nSubject: Grüße\r\n\r\nBody ü\r\n");
        var until = Now.AddDays(4);
        var notice = DsnComposer.Compose(Queued(smtpUtf8: true, reversePath: "jörg@bücher.test"), [Recipient("x@remote.test", "4.4.1", "smtp; 421 try later")], DsnAction.Delayed, "mx.example.test", original, Now, until);
        var message = Load(notice);
        Assert.Equal("jörg@bücher.test", Assert.IsType<MailboxAddress>(Assert.Single(message.To)).Address);
        var report = Assert.IsType<MultipartReport>(message.Body);
        var group = Assert.IsType<MessageDeliveryStatus>(report[1]).StatusGroups[1];
        Assert.Equal("delayed", group["Action"]);
        Assert.Equal(MimeKit.Utils.DateUtils.FormatDate(until), group["Will-Retry-Until"]);
        var returned = Assert.IsType<MessagePart>(report[2]);
        Assert.Equal("message/global", returned.ContentType.MimeType);
        Assert.Equal("Grüße", returned.Message!.Subject);
    }

    [Fact]
    public async Task Pythons_email_package_reads_the_report()
    {
        var notice = DsnComposer.Compose(Queued(), [Recipient("nobody@remote.test", "5.1.1", "smtp; 550 5.1.1 No such user")], DsnAction.Failed, "mx.example.test", Original, Now, null);
        var path = Path.Combine(Path.GetTempPath(), $"mks-dsn-{Guid.NewGuid():N}.eml");
        await File.WriteAllBytesAsync(path, notice);
        try
        {
            var result = await ExternalTool.PythonAsync(
                """
                import sys, email, email.policy
                m = email.message_from_binary_file(open(sys.argv[1], 'rb'), policy=email.policy.default)
                assert not m.defects, m.defects
                parts = list(m.iter_parts())
                print(m.get_content_type(), m.get_param('report-type'), [p.get_content_type() for p in parts])
                groups = parts[1].get_payload()
                print(groups[0]['Reporting-MTA'], '|', groups[1]['Final-Recipient'], '|', groups[1]['Status'])
                print(parts[2].get_payload()[0]['Subject'])
                """, path);
            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Equal(
                "multipart/report delivery-status ['text/plain', 'message/delivery-status', 'message/rfc822']\ndns; mx.example.test | rfc822; nobody@remote.test | 5.1.1\nlost\n",
                result.Stdout);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
