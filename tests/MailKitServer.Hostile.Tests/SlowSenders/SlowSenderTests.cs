using MailKitServer.Hostile.Tests.Support;
using MailKitServer.TestSupport;

namespace MailKitServer.Hostile.Tests.SlowSenders;

/// <summary>
/// Issue 15 item 9: the idle timer restarted with every octet, so a client sending a byte a minute held a session
/// for ever. A command line, a DATA transfer and an IMAP literal now have deadlines of their own, and IMAP logs out
/// an unauthenticated connection after a minute. All on the server's TimeProvider: the clock here moves only when the
/// test says so, once the server has armed the timer the step is about.
/// </summary>
public sealed class SlowSenderTests
{
    [Fact]
    public async Task SMTP_command_line_sent_a_byte_a_minute_is_cut_off_with_421_after_five_minutes()
    {
        var time = new ManualTimeProvider();
        await using var server = await TestMailServer.StartAsync(configure: b => b.UseTimeProvider(time));
        await using var client = await LineClient.ConnectAsync(server.Smtp);
        await client.ReadReplyAsync();
        Assert.StartsWith("250", await client.CommandAsync("EHLO client.test"), StringComparison.Ordinal);

        // RFC 5321 §4.5.3.2.7: 5 minutes for a command.
        await TrickleAsync(client, time, "MAIL FROM:<slow@x.test>", TimeSpan.FromMinutes(5));
        Assert.Equal("421 4.4.2 mx.example.test Error: timeout exceeded", (await client.ReadReplyAsync())[^1]);
        Assert.True(await client.IsClosedAsync());
    }

    [Fact]
    public async Task SMTP_DATA_trickling_a_line_every_two_minutes_is_cut_off_with_421_after_ten_minutes()
    {
        var time = new ManualTimeProvider();
        await using var server = await TestMailServer.StartAsync(configure: b => b.UseTimeProvider(time));
        await using var client = await LineClient.ConnectAsync(server.Smtp);
        await client.ReadReplyAsync();
        await client.CommandAsync("EHLO client.test");
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<slow@x.test>"), StringComparison.Ordinal);
        Assert.StartsWith("250", await client.CommandAsync("RCPT TO:<alice@example.test>"), StringComparison.Ordinal);
        Assert.StartsWith("354", await client.CommandAsync("DATA"), StringComparison.Ordinal);

        // RFC 5321 §4.5.3.2.5 and §4.5.3.2.6: 3 minutes per block, 10 for the whole transfer. Each line comes well
        // within the block time; the fifth, at minute 8, leaves the read 2 minutes, not 3.
        for (var k = 0; k < 5; k++)
        {
            var armed = time.WaitForArmedAsync(d => d == TimeSpan.FromMinutes(Math.Min(3, 10 - (2 * k))), fresh: true);
            await client.SendAsync($"line {k}\r\n");
            await armed;
            time.Advance(TimeSpan.FromMinutes(2));
        }

        Assert.Equal("421 4.4.2 mx.example.test Error: timeout exceeded", (await client.ReadReplyAsync())[^1]);
        Assert.True(await client.IsClosedAsync());
        Assert.Empty(await server.InboxAsync("alice@example.test"));
    }

    [Fact]
    public async Task POP3_command_line_sent_a_byte_a_minute_is_logged_out_after_ten_minutes()
    {
        var time = new ManualTimeProvider();
        await using var server = await TestMailServer.StartAsync(configure: b => b.UseTimeProvider(time));
        await using var client = await LineClient.ConnectAsync(server.Pop3);
        Assert.StartsWith("+OK", await client.ReadLineAsync(), StringComparison.Ordinal);

        // RFC 1939 §3: the autologout timer, at least 10 minutes, bounds a whole line too.
        await TrickleAsync(client, time, "USER alice@example.test", TimeSpan.FromMinutes(10));
        Assert.Equal("-ERR [SYS/TEMP] Autologout: idle for too long", await client.ReadLineAsync());
        Assert.True(await client.IsClosedAsync());
    }

    [Fact]
    public async Task IMAP_logs_out_an_unauthenticated_connection_after_a_minute()
    {
        var time = new ManualTimeProvider();
        await using var server = await TestMailServer.StartAsync(configure: b => b.UseTimeProvider(time));
        await using var client = await LineClient.ConnectAsync(server.Imap);
        Assert.StartsWith("* OK", await client.ReadLineAsync(), StringComparison.Ordinal);

        // The read arms a timer of the pre-login autologout time (30 minutes before); the greeting's flush, taken by
        // the socket at once, arms none.
        await time.WaitForArmedAsync(d => d == TimeSpan.FromSeconds(60));
        time.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal("* BYE Autologout; idle for too long", await client.ReadLineAsync());
        Assert.True(await client.IsClosedAsync());
    }

    [Fact]
    public async Task IMAP_command_line_sent_a_byte_a_minute_after_login_is_logged_out_after_five_minutes()
    {
        var time = new ManualTimeProvider();
        await using var server = await TestMailServer.StartAsync(configure: b => b.UseTimeProvider(time));
        await using var client = await LineClient.ConnectAsync(server.Imap);
        await client.LoginAsync();

        await TrickleAsync(client, time, "a SELECT INBOX", TimeSpan.FromMinutes(5));
        Assert.Equal("* BYE Autologout; idle for too long", await client.ReadLineAsync());
        Assert.True(await client.IsClosedAsync());
    }

    [Fact]
    public async Task IMAP_literal_sent_a_byte_a_minute_is_cut_off_after_ten_minutes()
    {
        var time = new ManualTimeProvider();
        await using var server = await TestMailServer.StartAsync(configure: b => b.UseTimeProvider(time));
        await using var client = await LineClient.ConnectAsync(server.Imap);
        await client.LoginAsync();
        await client.SendAsync("a APPEND INBOX {100}\r\n");
        Assert.StartsWith("+", await client.ReadLineAsync(), StringComparison.Ordinal);

        // The literal's deadline was set before the continuation went out: each octet finds less time left (the
        // idle timer alone would give 30 minutes every time).
        for (var k = 0; k < 10; k++)
        {
            var armed = time.WaitForArmedAsync(d => d == TimeSpan.FromMinutes(10 - k), fresh: true);
            await client.SendAsync("x");
            await armed;
            time.Advance(TimeSpan.FromMinutes(1));
        }

        Assert.Equal("* BYE Autologout; idle for too long", await client.ReadLineAsync());
        Assert.True(await client.IsClosedAsync());
        Assert.Empty(await server.InboxAsync("alice@example.test"));
    }

    /// <summary>
    /// Sends <paramref name="line"/> an octet a minute (no line end) until <paramref name="limit"/> is up. The server may
    /// see the first octet before or after the first minute passes, so the line's time runs out at
    /// <paramref name="limit"/> or a minute later; from the second octet on, the read waits for what is left of the
    /// line's time, not for a fresh idle time-out.
    /// </summary>
    private static async Task TrickleAsync(LineClient client, ManualTimeProvider time, string line, TimeSpan limit)
    {
        var minutes = (int)limit.TotalMinutes;
        Assert.True(line.Length >= minutes, "the line must have an octet for every minute");
        for (var k = 0; k < minutes; k++)
        {
            var left = TimeSpan.FromMinutes(minutes - k);
            var armed = k == 0 ? Task.CompletedTask : time.WaitForArmedAsync(d => d == left || d == left + TimeSpan.FromMinutes(1), fresh: true);
            await client.SendAsync(line[k].ToString());
            await armed;
            time.Advance(TimeSpan.FromMinutes(1));
        }

        time.Advance(TimeSpan.FromMinutes(1));
    }
}
