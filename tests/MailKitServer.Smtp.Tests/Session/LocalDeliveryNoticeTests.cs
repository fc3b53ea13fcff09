using MailKitServer.TestSupport;
using MimeKit;

namespace MailKitServer.Smtp.Tests.Session;

/// <summary>RFC 3461 §5.2.3: NOTIFY=SUCCESS to a local mailbox gets the sender a "delivered" report; anything else gets none.</summary>
public class LocalDeliveryNoticeTests
{
    private static async Task<LineClient> ConnectAsync(System.Net.IPEndPoint endPoint, string greeting)
    {
        var client = await LineClient.ConnectAsync(endPoint);
        await client.ReadReplyAsync();
        Assert.StartsWith("250", await client.CommandAsync(greeting), StringComparison.Ordinal);
        return client;
    }

    private static async Task SendAsync(LineClient client, string mail, string[] rcpts, string subject)
    {
        Assert.Equal("250 2.1.0 Ok", await client.CommandAsync(mail));
        foreach (var rcpt in rcpts)
        {
            Assert.Equal("250 2.1.5 Ok", await client.CommandAsync(rcpt));
        }

        Assert.StartsWith("354 ", await client.CommandAsync("DATA"), StringComparison.Ordinal);
        Assert.StartsWith("250 ", await client.CommandAsync($"From: alice@example.test\r\nSubject: {subject}\r\n\r\nbody\r\n."), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Notify_success_to_a_local_mailbox_sends_a_delivered_report_to_the_sender()
    {
        await using var server = await TestMailServer.StartAsync();
        await using var client = await ConnectAsync(server.Smtp, "EHLO client.test");
        await SendAsync(client, "MAIL FROM:<alice@example.test> ENVID=env-42 RET=HDRS", ["RCPT TO:<bob@example.test> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;bob@example.test"], "wanted");

        Assert.Single(await server.InboxAsync("bob@example.test"));
        var stored = Assert.Single(await server.InboxAsync("alice@example.test"));
        Assert.StartsWith("Return-Path: <>\r\n", System.Text.Encoding.UTF8.GetString(stored), StringComparison.Ordinal);
        var notice = MimeMessage.Load(new MemoryStream(stored));
        Assert.Equal("Successful Mail Delivery Report", notice.Subject);
        var report = Assert.IsType<MultipartReport>(notice.Body);
        Assert.Equal("delivery-status", report.ReportType);
        var status = Assert.IsType<MessageDeliveryStatus>(report[1]);
        Assert.Equal("dns; mx.example.test", status.StatusGroups[0]["Reporting-MTA"]);
        Assert.Equal("env-42", status.StatusGroups[0]["Original-Envelope-Id"]);
        Assert.Equal("rfc822;bob@example.test", status.StatusGroups[1]["Original-Recipient"]);
        Assert.Equal("rfc822; bob@example.test", status.StatusGroups[1]["Final-Recipient"]);
        Assert.Equal("delivered", status.StatusGroups[1]["Action"]);
        Assert.Equal("2.0.0", status.StatusGroups[1]["Status"]);

        // RET=HDRS: the header of the message, not its body.
        var returned = Assert.IsType<TextRfc822Headers>(report[2]);
        Assert.Equal("wanted", returned.Message!.Subject);
    }

    [Fact]
    public async Task Without_success_in_notify_or_from_the_null_sender_no_report_is_sent()
    {
        await using var server = await TestMailServer.StartAsync();
        await using var client = await ConnectAsync(server.Smtp, "EHLO client.test");
        await SendAsync(client, "MAIL FROM:<alice@example.test>", ["RCPT TO:<bob@example.test> NOTIFY=FAILURE,DELAY"], "failure only");
        await SendAsync(client, "MAIL FROM:<alice@example.test>", ["RCPT TO:<bob@example.test>"], "no notify");
        await SendAsync(client, "MAIL FROM:<alice@example.test>", ["RCPT TO:<bob@example.test> NOTIFY=NEVER"], "never");
        await SendAsync(client, "MAIL FROM:<>", ["RCPT TO:<bob@example.test> NOTIFY=SUCCESS"], "from the null sender");

        // A last one that asks for a report: once it is there, nothing else arrived before it.
        await SendAsync(client, "MAIL FROM:<alice@example.test>", ["RCPT TO:<bob@example.test> NOTIFY=SUCCESS"], "the only one");
        Assert.Equal(5, (await server.InboxAsync("bob@example.test")).Count);
        var notice = MimeMessage.Load(new MemoryStream(Assert.Single(await server.InboxAsync("alice@example.test"))));
        var returned = Assert.IsType<MessagePart>(Assert.IsType<MultipartReport>(notice.Body)[2]);
        Assert.Equal("the only one", returned.Message!.Subject);
    }

    [Fact]
    public async Task Lmtp_reports_each_recipient_that_asked()
    {
        await using var server = await TestMailServer.StartAsync();
        await using var client = await ConnectAsync(server.Lmtp, "LHLO client.test");
        Assert.Equal("250 2.1.0 Ok", await client.CommandAsync("MAIL FROM:<bob@example.test>"));
        Assert.Equal("250 2.1.5 Ok", await client.CommandAsync("RCPT TO:<alice@example.test> NOTIFY=SUCCESS"));
        Assert.Equal("250 2.1.5 Ok", await client.CommandAsync("RCPT TO:<bob@example.test> NOTIFY=FAILURE"));
        await client.CommandAsync("DATA");
        await client.SendAsync("Subject: lmtp\r\n\r\nx\r\n.\r\n");
        Assert.Equal("250 2.1.5 <alice@example.test> delivered", string.Join("", await client.ReadReplyAsync()));
        Assert.Equal("250 2.1.5 <bob@example.test> delivered", string.Join("", await client.ReadReplyAsync()));

        // bob (the sender) has the message itself and one report, about alice only.
        var bobs = (await server.InboxAsync("bob@example.test")).Select(m => MimeMessage.Load(new MemoryStream(m))).ToList();
        var status = Assert.IsType<MessageDeliveryStatus>(Assert.IsType<MultipartReport>(Assert.Single(bobs, m => m.Body is MultipartReport).Body)[1]);
        Assert.Equal("rfc822; alice@example.test", status.StatusGroups[1]["Final-Recipient"]);
        Assert.DoesNotContain(status.StatusGroups, g => g["Final-Recipient"] == "rfc822; bob@example.test");
    }
}
