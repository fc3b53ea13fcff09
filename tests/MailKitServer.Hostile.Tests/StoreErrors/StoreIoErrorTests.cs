using MailKitServer.Hostile.Tests.Support;
using MailKitServer.Runtime;
using MailKitServer.Storage.InMemory;
using MailKitServer.TestSupport;
using Microsoft.Extensions.Logging;

namespace MailKitServer.Hostile.Tests.StoreErrors;

/// <summary>
/// Issue 15 item 6: an IOException from the store (a disk error) was taken for "the peer went away": the session
/// ended without a word and nothing was logged. Only a failed socket means that (MailConnection.IsPeerGone); a store
/// error is logged at Error and answered, and the session goes on.
/// </summary>
public sealed class StoreIoErrorTests
{
    private const string Broken = "broken@example.test";

    [Fact]
    public async Task IMAP_LOGIN_whose_store_fails_is_answered_NO_SERVERBUG_logged_and_the_session_goes_on()
    {
        var logs = new CapturingLoggerFactory(LogLevel.Warning);
        await using var server = await StartAsync(logs);
        await using var client = await LineClient.ConnectAsync(server.Imap);
        Assert.StartsWith("* OK", await client.ReadLineAsync(), StringComparison.Ordinal);

        Assert.Equal("a NO [SERVERBUG] Internal error", await client.ImapAsync("a", $"LOGIN {Broken} broken-pw"));
        var logged = Assert.Single(logs.Entries, e => e.Exception is IOException);
        Assert.Equal(LogLevel.Error, logged.Level);
        Assert.Contains("LOGIN", logged.Message, StringComparison.Ordinal);

        // Still not logged in, and still usable.
        Assert.StartsWith("b BAD", await client.ImapAsync("b", "SELECT INBOX"), StringComparison.Ordinal);
        Assert.StartsWith("c OK", await client.ImapAsync("c", "LOGIN alice@example.test alice-pw"), StringComparison.Ordinal);
        Assert.StartsWith("d OK", await client.ImapAsync("d", "SELECT INBOX"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task POP3_PASS_whose_store_fails_is_answered_SYS_TEMP_logged_and_the_session_goes_on()
    {
        var logs = new CapturingLoggerFactory(LogLevel.Warning);
        await using var server = await StartAsync(logs);
        await using var client = await LineClient.ConnectAsync(server.Pop3);
        Assert.StartsWith("+OK", await client.ReadLineAsync(), StringComparison.Ordinal);

        Assert.StartsWith("+OK", await client.CommandAsync($"USER {Broken}"), StringComparison.Ordinal);
        Assert.Equal("-ERR [SYS/TEMP] Internal error, try again later", await client.CommandAsync("PASS broken-pw"));
        Assert.Equal(LogLevel.Error, Assert.Single(logs.Entries, e => e.Exception is IOException).Level);

        Assert.StartsWith("+OK", await client.CommandAsync("USER alice@example.test"), StringComparison.Ordinal);
        Assert.StartsWith("+OK", await client.CommandAsync("PASS alice-pw"), StringComparison.Ordinal);
        Assert.StartsWith("+OK 0 ", await client.CommandAsync("STAT"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SMTP_delivery_whose_store_fails_is_answered_451_logged_and_the_next_message_is_delivered()
    {
        var logs = new CapturingLoggerFactory(LogLevel.Warning);
        await using var server = await StartAsync(logs);
        await using var client = await LineClient.ConnectAsync(server.Smtp);
        await client.ReadReplyAsync();
        await client.CommandAsync("EHLO client.test");

        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<sender@x.test>"), StringComparison.Ordinal);
        Assert.StartsWith("250", await client.CommandAsync($"RCPT TO:<{Broken}>"), StringComparison.Ordinal);
        Assert.StartsWith("354", await client.CommandAsync("DATA"), StringComparison.Ordinal);
        Assert.StartsWith("451 4.3.0", await client.CommandAsync("Subject: lost?\r\n\r\nHello.\r\n."), StringComparison.Ordinal);
        Assert.Equal(LogLevel.Error, Assert.Single(logs.Entries, e => e.Exception is IOException).Level);

        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<sender@x.test>"), StringComparison.Ordinal);
        Assert.StartsWith("250", await client.CommandAsync("RCPT TO:<alice@example.test>"), StringComparison.Ordinal);
        Assert.StartsWith("354", await client.CommandAsync("DATA"), StringComparison.Ordinal);
        Assert.StartsWith("250", await client.CommandAsync("Subject: kept\r\n\r\nHello.\r\n."), StringComparison.Ordinal);
    }

    private static async Task<TestMailServer> StartAsync(ILoggerFactory logs)
    {
        var server = await TestMailServer.StartAsync(configure: b => b.UseStore(new FailingDiskStore(new InMemoryMessageStore(), Broken)).UseLoggerFactory(logs));
        server.Directory.AddUser(Broken, "broken-pw");
        return server;
    }
}
