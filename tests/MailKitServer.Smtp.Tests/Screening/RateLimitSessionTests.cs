using System.Globalization;
using MailKitServer.Smtp.Screening;
using MailKitServer.Smtp.Screening.RateLimits;
using MailKitServer.TestSupport;

namespace MailKitServer.Smtp.Tests.Screening;

/// <summary>Rate limits under a bounded burst of real clients: Postfix's smtp-source, Python's smtplib and swaks.</summary>
public class RateLimitSessionTests
{
    [Fact]
    public async Task A_burst_of_20_messages_from_smtp_source_gets_5_through_and_the_rest_451_with_a_retry_hint()
    {
        var clock = new ManualTimeProvider();
        await using var server = await StartAsync(clock, new RateLimitOptions { MessagesPerClient = RateLimit.Parse("5/1h") });

        // Python's smtplib, 20 messages over 4 concurrent connections.
        var run = await ExternalTool.PythonAsync("""
            import smtplib, sys, threading
            port = int(sys.argv[1]); results = []; lock = threading.Lock()
            def send(n):
                with smtplib.SMTP("127.0.0.1", port) as s:
                    for i in range(n):
                        try:
                            s.sendmail("a@sender.test", ["bob@example.test"], b"Subject: burst\r\n\r\nbody\r\n")
                            r = "250"
                        except smtplib.SMTPSenderRefused as e:
                            r = "%d %s" % (e.smtp_code, e.smtp_error.decode())
                        with lock: results.append(r)
            threads = [threading.Thread(target=send, args=(5,)) for _ in range(4)]
            [t.start() for t in threads]; [t.join() for t in threads]
            for r in results: print(r)
            """, server.Smtp.Port.ToString(CultureInfo.InvariantCulture));
        Assert.True(run.ExitCode == 0, run.ToString());
        var lines = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(20, lines.Length);
        Assert.Equal(5, lines.Count(l => l == "250"));
        var refused = lines.Where(l => l != "250").ToList();
        Assert.Equal(15, refused.Count);
        Assert.All(refused, l => Assert.StartsWith("451 4.7.1 Rate limit exceeded: at most 5 messages per 1h from [127.0.0.1]; please try again in 720 seconds", l, StringComparison.Ordinal));
        Assert.Equal(5, (await server.WaitForInboxAsync("bob@example.test", 5)).Count);

        // One interval later (1h / 5) one more is taken; another address is counted on its own.
        clock.Advance(TimeSpan.FromMinutes(12));
        Assert.True((await ScreeningTestServer.SwaksAsync(server, "127.0.0.1")).ExitCode == 0);
        Assert.Contains("451 4.7.1 Rate limit exceeded", (await ScreeningTestServer.SwaksAsync(server, "127.0.0.1")).Stdout, StringComparison.Ordinal);
        Assert.True((await ScreeningTestServer.SwaksAsync(server, "127.0.0.2")).ExitCode == 0);
    }

    [Fact]
    public async Task Recipients_per_message_get_452_and_recipients_per_period_451_and_a_user_is_counted_as_the_user()
    {
        var clock = new ManualTimeProvider();
        await using var server = await StartAsync(clock, new RateLimitOptions
        {
            RecipientsPerMessage = 2,
            RecipientsPerClient = RateLimit.Parse("3/1h"),
            RecipientsPerUser = RateLimit.Parse("4/1h"),
        });

        var three = await ScreeningTestServer.SwaksAsync(server, "127.0.0.2", "--to", "bob@example.test,alice@example.test,bob@example.test");
        Assert.Contains("<** 452 4.5.3 Too many recipients for one message (at most 2); send the rest in another", three.Stdout, StringComparison.Ordinal);
        var two = await ScreeningTestServer.SwaksAsync(server, "127.0.0.2", "--to", "bob@example.test,alice@example.test");
        Assert.Contains("<** 451 4.7.1 Rate limit exceeded: at most 3 recipients per 1h from [127.0.0.2]; please try again in 1200 seconds", two.Stdout, StringComparison.Ordinal);

        // The same address, authenticated: the user's own limit.
        var user = await ScreeningTestServer.SwaksAsync(server, "127.0.0.2", "--to", "bob@example.test,alice@example.test", "--auth", "PLAIN", "--auth-user", "alice@example.test", "--auth-password", "alice-pw");
        Assert.True(user.ExitCode == 0, user.ToString());
    }

    private static Task<TestMailServer> StartAsync(TimeProvider clock, RateLimitOptions limits) =>
        ScreeningTestServer.StartAsync(new ScreeningOptions { RateLimits = limits }, clock);
}
