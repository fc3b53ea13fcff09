using MailKitServer.TestSupport;

namespace MailKitServer.Hostile.Tests.LongLines;

/// <summary>Issue 15 item 3 for SMTP and POP3: an over-long line is drained to its end and refused; the session stays in sync.</summary>
public sealed class SmtpPop3LongLineTests
{
    [Fact]
    public async Task SMTP_answers_500_5_5_2_and_reads_the_next_command_in_sync()
    {
        await using var server = await TestMailServer.StartAsync();
        await using var client = await LineClient.ConnectAsync(server.Smtp);
        await client.ReadReplyAsync();
        Assert.StartsWith("250", await client.CommandAsync("EHLO client.test"), StringComparison.Ordinal);

        // RFC 5321 §4.5.3.1.4: 500 for a line too long. The long line carries a command after a bare LF-less CR
        // and ends with one, so a reader that lost sync would answer it.
        Assert.StartsWith("500 5.5.2", await client.CommandAsync("MAIL FROM:<" + new string('a', 108_000) + "@x.test>\rQUIT"), StringComparison.Ordinal);
        Assert.StartsWith("250", await client.CommandAsync("NOOP"), StringComparison.Ordinal);
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<a@x.test>"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task POP3_answers_ERR_and_reads_the_next_command_in_sync()
    {
        await using var server = await TestMailServer.StartAsync();
        await using var client = await LineClient.ConnectAsync(server.Pop3);
        Assert.StartsWith("+OK", await client.ReadLineAsync(), StringComparison.Ordinal);
        await client.SendAsync("USER " + new string('u', 108_000) + "\r\n");
        Assert.StartsWith("-ERR", await client.ReadLineAsync(), StringComparison.Ordinal);
        await client.SendAsync("CAPA\r\n");
        Assert.Equal("+OK Capability list follows", await client.ReadLineAsync());
    }
}
