using MailKitServer.Smtp.Milter;
using MailKitServer.TestSupport;
using MimeKit;
using SmtpClient = MailKit.Net.Smtp.SmtpClient;

namespace MailKitServer.Smtp.Tests.Milter;

/// <summary>
/// A filter that hangs, answers garbage or closes mid-message: its default action applies at that step, MailKit's
/// SmtpClient stays in step with the session (a second message goes through the same connection), and a message is
/// stored once or not at all.
/// </summary>
public sealed class MilterFailureTests
{
    [Theory]
    [InlineData('B', HostileMilterBehaviour.Close)]
    [InlineData('L', HostileMilterBehaviour.Garbage)]
    [InlineData('E', HostileMilterBehaviour.Close)]
    [InlineData('R', HostileMilterBehaviour.Garbage)]
    public async Task With_default_accept_the_message_is_stored_once_and_the_session_goes_on(char at, HostileMilterBehaviour behaviour)
    {
        await using var milter = new HostileMilter(at, behaviour);
        await using var server = await TestMailServer.StartAsync(o => o.Milters.Add(new MilterOptions(milter.EndPoint) { DefaultAction = MilterDefaultAction.Accept }));

        using var client = new SmtpClient();
        await client.ConnectAsync("127.0.0.1", server.Smtp.Port, MailKit.Security.SecureSocketOptions.None);
        await client.SendAsync(Message("first"));
        await client.SendAsync(Message("second"));
        await client.DisconnectAsync(true);

        Assert.Equal(1, milter.Hits);
        var inbox = await MilterSessionTests.ImapAsync(server, "bob@example.test", "INBOX");
        Assert.Equal(["first", "second"], inbox.Select(m => m.Subject));
    }

    [Theory]
    [InlineData('B', HostileMilterBehaviour.Close)]
    [InlineData('E', HostileMilterBehaviour.Garbage)]
    public async Task With_default_tempfail_the_message_gets_451_nothing_is_stored_and_later_steps_get_451_too(char at, HostileMilterBehaviour behaviour)
    {
        await using var milter = new HostileMilter(at, behaviour);
        await using var server = await TestMailServer.StartAsync(o => o.Milters.Add(new MilterOptions(milter.EndPoint)));

        using var client = new SmtpClient();
        await client.ConnectAsync("127.0.0.1", server.Smtp.Port, MailKit.Security.SecureSocketOptions.None);
        var data = await Assert.ThrowsAsync<MailKit.Net.Smtp.SmtpCommandException>(() => client.SendAsync(Message("first")));
        Assert.Equal((451, "4.7.1 Service unavailable - try again later"), ((int)data.StatusCode, data.Message));
        var mail = await Assert.ThrowsAsync<MailKit.Net.Smtp.SmtpCommandException>(() => client.SendAsync(Message("second")));
        Assert.Equal((451, MailKit.Net.Smtp.SmtpErrorCode.SenderNotAccepted), ((int)mail.StatusCode, mail.ErrorCode));
        await client.DisconnectAsync(true);

        Assert.Empty(await server.InboxAsync("bob@example.test"));
    }

    [Fact]
    public async Task A_milter_that_never_answers_times_out_on_the_servers_clock_and_its_default_action_applies()
    {
        var time = new ManualTimeProvider();
        await using var milter = new HostileMilter('T', HostileMilterBehaviour.Hang);
        await using var server = await TestMailServer.StartAsync(
            o => o.Milters.Add(new MilterOptions(milter.EndPoint) { DefaultAction = MilterDefaultAction.Accept, Timeout = TimeSpan.FromSeconds(30) }),
            b => b.UseTimeProvider(time));

        using var client = new SmtpClient();
        await client.ConnectAsync("127.0.0.1", server.Smtp.Port, MailKit.Security.SecureSocketOptions.None);
        var sending = client.SendAsync(Message("waited for"));
        await milter.Hit;
        await time.WaitForArmedAsync(due => due == TimeSpan.FromSeconds(30));
        Assert.False(sending.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(30));
        await sending;
        await client.SendAsync(Message("no longer asked"));
        await client.DisconnectAsync(true);

        Assert.Equal(1, milter.Hits);
        Assert.Equal(2, (await server.InboxAsync("bob@example.test")).Count);
    }

    private static MimeMessage Message(string subject)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("carol@sender.test"));
        message.To.Add(MailboxAddress.Parse("bob@example.test"));
        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = "body\r\n" };
        return message;
    }
}
