using MailKit.Net.Pop3;
using MailKit.Security;
using MailKitServer.TestSupport;
using MimeKit;

namespace MailKitServer.Interop.Tests.Pop3;

/// <summary>MailKit's Pop3Client against our POP3 server, over STLS and POP3S.</summary>
public class MailKitPop3ClientTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Lists_downloads_and_deletes_over_tls(bool implicitTls)
    {
        await using var server = await TestMailServer.StartAsync(insecureAuth: false);
        using (var smtp = new MailKit.Net.Smtp.SmtpClient())
        {
            await smtp.ConnectAsync("127.0.0.1", server.Smtp.Port, SecureSocketOptions.None);
            foreach (var subject in new[] { "one", "two" })
            {
                var message = new MimeMessage();
                message.From.Add(MailboxAddress.Parse("sender@remote.test"));
                message.To.Add(MailboxAddress.Parse("alice@example.test"));
                message.Subject = subject;
                message.Body = new TextPart("plain") { Text = "body " + subject };
                await smtp.SendAsync(message);
            }

            await smtp.DisconnectAsync(true);
        }

        using var client = new Pop3Client { ServerCertificateValidationCallback = (_, _, _, _) => true };
        await client.ConnectAsync("127.0.0.1", implicitTls ? server.Pop3s.Port : server.Pop3.Port, implicitTls ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTls);
        Assert.True(client.IsSecure);
        await client.AuthenticateAsync("alice@example.test", "alice-pw");
        Assert.Equal(2, await client.GetMessageCountAsync());
        var uids = await client.GetMessageUidsAsync();
        Assert.Equal(2, uids.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(["one", "two"], (await client.GetMessagesAsync([0, 1])).Select(m => m.Subject));
        var headers = await client.GetMessageHeadersAsync(1);
        Assert.Equal("two", headers[HeaderId.Subject]);
        await client.DeleteMessageAsync(0);
        await client.DisconnectAsync(true);

        client.ServerCertificateValidationCallback = (_, _, _, _) => true;
        await client.ConnectAsync("127.0.0.1", implicitTls ? server.Pop3s.Port : server.Pop3.Port, implicitTls ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTls);
        await client.AuthenticateAsync("alice@example.test", "alice-pw");
        Assert.Equal(1, await client.GetMessageCountAsync());
        Assert.Equal(uids[1], await client.GetMessageUidAsync(0)); // RFC 1939 §7: UIDL stays the same across sessions
        await client.DisconnectAsync(true);
    }
}
