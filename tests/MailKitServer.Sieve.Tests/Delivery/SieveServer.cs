using MailKit.Net.Imap;
using MailKit.Net.Smtp;
using MailKitServer.Runtime;
using MailKitServer.Sieve.Scripts;
using MailKitServer.TestSupport;
using MimeKit;

namespace MailKitServer.Sieve.Tests.Delivery;

/// <summary>The test server (alice and bob at example.test) with Sieve, and MailKit clients for it.</summary>
internal sealed class SieveServer : IAsyncDisposable
{
    private SieveServer(TestMailServer server, InMemorySieveScriptStore scripts)
    {
        Server = server;
        Scripts = scripts;
    }

    public TestMailServer Server { get; }

    public InMemorySieveScriptStore Scripts { get; }

    public static async Task<SieveServer> StartAsync(Action<MailServerBuilder>? configure = null, Action<SieveOptions>? sieve = null)
    {
        var scripts = new InMemorySieveScriptStore();
        var server = await TestMailServer.StartAsync(configure: b =>
        {
            configure?.Invoke(b);
            b.AddSieve(o =>
            {
                o.ScriptStore = scripts;
                sieve?.Invoke(o);
            });
        });
        return new SieveServer(server, scripts);
    }

    public async Task ActivateAsync(string user, string script, string name = "main")
    {
        await Scripts.PutAsync(user, name, script, default);
        Assert.True(await Scripts.SetActiveAsync(user, name, default));
    }

    /// <summary>Sends a message over SMTP with MailKit's client.</summary>
    public async Task SendAsync(string from, string to, string subject, string body = "Hello.", Action<MimeMessage>? change = null)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = body };
        change?.Invoke(message);
        using var client = new SmtpClient();
        await client.ConnectAsync(Server.Smtp.Address.ToString(), Server.Smtp.Port, MailKit.Security.SecureSocketOptions.None);
        await client.SendAsync(message);
        await client.DisconnectAsync(true);
    }

    /// <summary>Logs in over IMAP with MailKit's client.</summary>
    public async Task<ImapClient> ImapAsync(string user, string password)
    {
        var client = new ImapClient();
        await client.ConnectAsync(Server.Imap.Address.ToString(), Server.Imap.Port, MailKit.Security.SecureSocketOptions.None);
        await client.AuthenticateAsync(user, password);
        return client;
    }

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
