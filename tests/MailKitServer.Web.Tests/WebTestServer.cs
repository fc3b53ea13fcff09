using System.Net;
using System.Net.Http.Headers;
using MailKit.Net.Smtp;
using MailKitServer.TestSupport;
using MimeKit;

namespace MailKitServer.Web.Tests;

/// <summary>A mail server on free loopback ports (users alice and bob) with the web API in front of it, and an HTTP client for it.</summary>
internal sealed class WebTestServer : IAsyncDisposable
{
    private WebTestServer(TestMailServer mail, MailWebHost web)
    {
        Mail = mail;
        Web = web;
        Http = new HttpClient { BaseAddress = web.BaseAddress };
        Http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
    }

    public TestMailServer Mail { get; }

    public MailWebHost Web { get; }

    public HttpClient Http { get; }

    public static async Task<WebTestServer> StartAsync(MailWebOptions? options = null, Action<Runtime.MailServerBuilder>? configure = null)
    {
        var mail = await TestMailServer.StartAsync(configure: configure);
        var web = await MailWebHost.StartAsync(mail.Server, new IPEndPoint(IPAddress.Loopback, 0), options);
        return new WebTestServer(mail, web);
    }

    /// <summary>Sends a message over SMTP with MailKit (a real client) and returns once the server answered 250.</summary>
    public async Task SendAsync(MimeMessage message)
    {
        using var client = new SmtpClient();
        await client.ConnectAsync(Mail.Smtp.Address.ToString(), Mail.Smtp.Port, MailKit.Security.SecureSocketOptions.None);
        await client.SendAsync(message);
        await client.DisconnectAsync(true);
    }

    public static MimeMessage Message(string subject, string to = "alice@example.test", string from = "sender@remote.test", string text = "Hello.", string? html = null)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = subject;
        message.Body = new BodyBuilder { TextBody = text, HtmlBody = html }.ToMessageBody();
        return message;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Web.DisposeAsync();
        await Mail.DisposeAsync();
    }
}
