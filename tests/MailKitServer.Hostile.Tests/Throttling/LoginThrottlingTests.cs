using System.Text;
using MailKitServer.Hostile.Tests.Support;
using MailKitServer.TestSupport;
using Microsoft.Extensions.Logging;

namespace MailKitServer.Hostile.Tests.Throttling;

/// <summary>
/// Issue 15 item 7 over the wire: three wrong guesses at alice and one right login as bob, repeated, gave 5,607
/// guesses in 20 s, because bob's success cleared the address; failed
/// logins were not logged where fail2ban could read them.
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
