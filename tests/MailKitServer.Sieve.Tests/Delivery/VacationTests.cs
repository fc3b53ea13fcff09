using System.Text;
using MailKitServer.TestSupport;

namespace MailKitServer.Sieve.Tests.Delivery;

/// <summary>Vacation (RFC 5230, RFC 3834) end to end: Python's smtplib sends, the reply lands in the sender's INBOX once per period.</summary>
public sealed class VacationTests
{
    private static Task<ExternalTool.Result> SendWithPythonAsync(int port, string headers, int times = 1) =>
        ExternalTool.RunAsync("python3", ["-c", $$"""
            import smtplib
            for i in range({{times}}):
                with smtplib.SMTP("127.0.0.1", {{port}}) as s:
                    s.sendmail("alice@example.test", ["bob@example.test"], "From: alice@example.test\r\nTo: bob@example.test\r\nMessage-ID: <m%d@example.test>\r\n{{headers}}\r\nHello Bob.\r\n" % i)
            print("sent")
            """]);

    [Fact]
    public async Task The_sender_gets_one_reply_within_the_period_however_often_they_write()
    {
        await using var server = await SieveServer.StartAsync();
        await server.ActivateAsync("bob@example.test", "require \"vacation\";\r\nvacation :days 7 :subject \"Away\" \"I am away until Monday.\";\r\n");
        var sent = await SendWithPythonAsync(server.Server.Smtp.Port, "Subject: question\\r\\n", times: 2);
        Assert.True(sent.ExitCode == 0, sent.ToString());

        Assert.Equal(2, (await server.Server.InboxAsync("bob@example.test")).Count);
        var reply = Encoding.UTF8.GetString(Assert.Single(await server.Server.InboxAsync("alice@example.test")));
        Assert.Contains("Return-Path: <>", reply, StringComparison.Ordinal);
        Assert.Contains("Auto-Submitted: auto-replied", reply, StringComparison.Ordinal);
        Assert.Contains("Subject: Away", reply, StringComparison.Ordinal);
        Assert.Contains("In-Reply-To: <m0@example.test>", reply, StringComparison.Ordinal);
        Assert.Contains("I am away until Monday.", reply, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_bulk_and_auto_submitted_mail_and_mail_not_addressed_to_the_user_get_no_reply()
    {
        await using var server = await SieveServer.StartAsync();
        await server.ActivateAsync("bob@example.test", "require \"vacation\"; vacation \"away\";");
        foreach (var headers in new[] { "Subject: a\\r\\nList-Id: <dev.example.test>\\r\\n", "Subject: b\\r\\nPrecedence: bulk\\r\\n", "Subject: c\\r\\nAuto-Submitted: auto-generated\\r\\n" })
        {
            var sent = await SendWithPythonAsync(server.Server.Smtp.Port, headers);
            Assert.True(sent.ExitCode == 0, sent.ToString());
        }

        var bcc = await ExternalTool.RunAsync("python3", ["-c", $$"""
            import smtplib
            with smtplib.SMTP("127.0.0.1", {{server.Server.Smtp.Port}}) as s:
                s.sendmail("alice@example.test", ["bob@example.test"], "From: alice@example.test\r\nTo: someone@elsewhere.test\r\nSubject: d\r\n\r\nbody\r\n")
            """]);
        Assert.True(bcc.ExitCode == 0, bcc.ToString());
        Assert.Equal(4, (await server.Server.InboxAsync("bob@example.test")).Count);
        Assert.Empty(await server.Server.InboxAsync("alice@example.test"));
    }

    [Fact]
    public async Task A_new_period_allows_a_new_reply()
    {
        var time = new ManualTimeProvider();
        await using var server = await SieveServer.StartAsync(b => b.UseTimeProvider(time));
        await server.ActivateAsync("bob@example.test", "require \"vacation\"; vacation :days 1 \"away\";");
        Assert.Equal(0, (await SendWithPythonAsync(server.Server.Smtp.Port, "Subject: one\\r\\n")).ExitCode);
        time.Advance(TimeSpan.FromHours(23));
        Assert.Equal(0, (await SendWithPythonAsync(server.Server.Smtp.Port, "Subject: two\\r\\n")).ExitCode);
        Assert.Single(await server.Server.InboxAsync("alice@example.test"));
        time.Advance(TimeSpan.FromHours(2));
        Assert.Equal(0, (await SendWithPythonAsync(server.Server.Smtp.Port, "Subject: three\\r\\n")).ExitCode);
        Assert.Equal(2, (await server.Server.InboxAsync("alice@example.test")).Count);
    }
}
