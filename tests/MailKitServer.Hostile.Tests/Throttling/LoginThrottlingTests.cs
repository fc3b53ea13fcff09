using System.Text;
using MailKit.Net.Imap;
using MailKit.Net.Smtp;
using MailKit.Security;
using MailKitServer.Hostile.Tests.Support;
using MailKitServer.TestSupport;
using Microsoft.Extensions.Logging;

namespace MailKitServer.Hostile.Tests.Throttling;

/// <summary>
/// Issue 15 item 7 over the wire: three wrong guesses at alice and one right login as bob, repeated, gave 5,607
/// guesses in 20 s, because bob's success cleared the address; failed logins were not logged where fail2ban could read
/// them. After the fix, attempts under way were charged as failures, so many connections of one client logging in at
/// once were refused (imaptest's stress run with 100 clients saw hundreds of NO [UNAVAILABLE]).
/// </summary>
public sealed class LoginThrottlingTests
{
    private static readonly Func<TimeSpan, bool> ThrottleDelay = due => due > TimeSpan.Zero && due <= TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Bobs_success_no_longer_buys_more_guesses_at_alice()
    {
        var time = new ManualTimeProvider();
        await using var server = await TestMailServer.StartAsync(configure: b => b.UseTimeProvider(time));
        await using var client = await LineClient.ConnectAsync(server.Imap);
        Assert.StartsWith("* OK", await client.ReadLineAsync(), StringComparison.Ordinal);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal($"w{i} NO [AUTHENTICATIONFAILED] Authentication failed", await client.ImapAsync($"w{i}", "LOGIN alice@example.test guess" + i));
        }

        await using (var bob = await LineClient.ConnectAsync(server.Imap))
        {
            await bob.LoginAsync("bob@example.test", "bob-pw");
        }

        // The fourth guess waits for its turn: it is not answered until the clock moves.
        await client.SendAsync("w3 LOGIN alice@example.test guess3\r\n");
        var answer = client.ReadTaggedAsync("w3");
        var waiting = time.WaitForArmedAsync(ThrottleDelay);
        Assert.Same(waiting, await Task.WhenAny(answer, waiting));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("w3 NO [AUTHENTICATIONFAILED] Authentication failed", (await answer)[^1]);
    }

    [Fact]
    public async Task Thirty_clients_of_one_account_log_in_at_once_over_IMAP_and_SMTP()
    {
        await using var server = await TestMailServer.StartAsync();
        var imap = Enumerable.Range(0, 20).Select(async _ =>
        {
            using var client = new ImapClient();
            await client.ConnectAsync(server.Imap.Address.ToString(), server.Imap.Port, SecureSocketOptions.None);
            await client.AuthenticateAsync("alice@example.test", "alice-pw");
            var inbox = await client.GetFolderAsync("INBOX");
            await inbox.OpenAsync(MailKit.FolderAccess.ReadOnly);
            await client.DisconnectAsync(true);
        });
        var smtp = Enumerable.Range(0, 10).Select(async _ =>
        {
            using var client = new SmtpClient();
            await client.ConnectAsync(server.Submission.Address.ToString(), server.Submission.Port, SecureSocketOptions.None);
            await client.AuthenticateAsync("alice@example.test", "alice-pw");
            await client.DisconnectAsync(true);
        });
        await Task.WhenAll(imap.Concat(smtp));
    }

    [Fact]
    public Task Twenty_parallel_wrong_guesses_share_alices_turns() => Task.Run(async () =>
    {
        var time = new ManualTimeProvider();
        await using var server = await TestMailServer.StartAsync(configure: b => b.UseTimeProvider(time));
        await using (var first = await LineClient.ConnectAsync(server.Imap))
        {
            Assert.StartsWith("* OK", await first.ReadLineAsync(), StringComparison.Ordinal);
            for (var i = 0; i < 3; i++)
            {
                Assert.StartsWith($"w{i} NO [AUTHENTICATIONFAILED]", await first.ImapAsync($"w{i}", "LOGIN alice@example.test guess" + i), StringComparison.Ordinal);
            }
        }

        var clients = new List<LineClient>();
        try
        {
            for (var i = 0; i < 20; i++)
            {
                var c = await LineClient.ConnectAsync(server.Imap);
                clients.Add(c);
                Assert.StartsWith("* OK", await c.ReadLineAsync(), StringComparison.Ordinal);
            }

            var answers = new List<Task<List<string>>>();
            for (var i = 0; i < clients.Count; i++)
            {
                await clients[i].SendAsync($"p{i} LOGIN alice@example.test parallel-guess\r\n");
                answers.Add(clients[i].ReadTaggedAsync($"p{i}"));
            }

            // Every attempt waits for a turn before the clock moves; turns come back after 1, 2, 4 and 8 s; the others
            // are refused at 15 s, when the next turn (16 s later) is past the longest delay, as a temporary failure.
            await time.WaitForArmedAsync(ThrottleDelay, count: 20);
            for (var second = 0; second < 15; second++)
            {
                Assert.DoesNotContain(answers, a => a.IsCompleted && a.Result[^1].Contains("UNAVAILABLE", StringComparison.Ordinal));
                time.Advance(TimeSpan.FromSeconds(1));
                var admitted = new[] { 1, 3, 7, 15 }.Count(s => s <= second + 1);
                await time.WaitForArmedAsync(ThrottleDelay, count: second + 1 < 15 ? 20 - admitted : 0);
            }

            var lines = (await Task.WhenAll(answers)).Select(a => a[^1][(a[^1].IndexOf(' ', StringComparison.Ordinal) + 1)..]).ToList();
            Assert.Equal(4, lines.Count(l => l == "NO [AUTHENTICATIONFAILED] Authentication failed"));
            Assert.Equal(16, lines.Count(l => l == "NO [UNAVAILABLE] Authentication temporarily unavailable"));
        }
        finally
        {
            foreach (var c in clients)
            {
                await c.DisposeAsync();
            }
        }
    });

    [Fact]
    public async Task Failed_logins_of_every_protocol_are_logged_at_Warning_with_the_address_and_the_user()
    {
        var log = new CapturingLoggerFactory();
        await using var server = await TestMailServer.StartAsync(configure: b => b.UseLoggerFactory(log));

        await using (var imap = await LineClient.ConnectAsync(server.Imap))
        {
            Assert.StartsWith("* OK", await imap.ReadLineAsync(), StringComparison.Ordinal);
            Assert.StartsWith("a NO", await imap.ImapAsync("a", "LOGIN imap-user@example.test wrong"), StringComparison.Ordinal);
        }

        await using (var pop3 = await LineClient.ConnectAsync(server.Pop3))
        {
            Assert.StartsWith("+OK", await pop3.ReadLineAsync(), StringComparison.Ordinal);
            await pop3.SendAsync("USER pop3-user@example.test\r\nPASS wrong\r\n");
            Assert.StartsWith("+OK", await pop3.ReadLineAsync(), StringComparison.Ordinal);
            Assert.StartsWith("-ERR [AUTH]", await pop3.ReadLineAsync(), StringComparison.Ordinal);
        }

        await using (var smtp = await LineClient.ConnectAsync(server.Submission))
        {
            await smtp.ReadReplyAsync();
            await smtp.CommandAsync("EHLO client.test");

            // A user name carrying a line break and a forged entry must stay on one line of the log.
            var forged = "mallory\nAuthentication failed for user \"root\" from 10.9.8.7 (smtp)";
            var plain = Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{forged}\0wrong"));
            Assert.StartsWith("535", await smtp.CommandAsync("AUTH PLAIN " + plain), StringComparison.Ordinal);
        }

        var warnings = log.Entries.Where(e => e.Level == LogLevel.Warning && e.Category == "MailKitServer.Auth").Select(e => e.Message).ToList();
        Assert.Contains("Authentication failed for user \"imap-user@example.test\" from 127.0.0.1 (imap)", warnings);
        Assert.Contains("Authentication failed for user \"pop3-user@example.test\" from 127.0.0.1 (pop3)", warnings);
        Assert.Contains(warnings, w => w.StartsWith("Authentication failed for user \"mallory\\x0aAuthentication failed for user \\x22root\\x22", StringComparison.Ordinal)
            && w.EndsWith("...\" from 127.0.0.1 (smtp)", StringComparison.Ordinal));
        Assert.DoesNotContain(warnings, w => w.Contains('\n', StringComparison.Ordinal));
    }
}
