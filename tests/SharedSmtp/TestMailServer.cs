using System.Net;
using MailKitServer.Directory.InMemory;
using MailKitServer.Runtime;
using MailKitServer.Smtp;
using MailKitServer.Storage.InMemory;

namespace MailKitServer.TestSupport;

/// <summary>A server on free loopback ports with SMTP, submission, SMTPS and LMTP, and two users.</summary>
public sealed class TestMailServer : IAsyncDisposable
{
    private TestMailServer(MailServer server, InMemoryMessageStore store, InMemoryUserDirectory directory)
    {
        Server = server;
        Store = store;
        Directory = directory;
    }

    public MailServer Server { get; }

    public InMemoryMessageStore Store { get; }

    public InMemoryUserDirectory Directory { get; }

    public IPEndPoint Smtp => Server.GetEndpoint("smtp").EndPoint;

    public IPEndPoint Submission => Server.GetEndpoint("submission").EndPoint;

    public IPEndPoint Smtps => Server.GetEndpoint("smtps").EndPoint;

    public IPEndPoint Lmtp => Server.GetEndpoint("lmtp").EndPoint;

    public static async Task<TestMailServer> StartAsync(Action<SmtpOptions>? smtp = null, Action<MailServerBuilder>? configure = null, bool insecureAuth = true)
    {
        var store = new InMemoryMessageStore();
        var directory = new InMemoryUserDirectory();
        directory.AddUser("alice@example.test", "alice-pw");
        directory.AddUser("bob@example.test", "bob-pw");
        var builder = MailServer.CreateBuilder()
            .UseStore(store)
            .UseDirectory(directory)
            .Configure(o =>
            {
                o.ServerName = "mx.example.test";
                o.AllowInsecureAuthentication = insecureAuth;
            })
            .AddSmtp(0, smtp)
            .AddSubmission(0, smtp)
            .AddSmtps(0, smtp)
            .AddLmtp(0, smtp);
        configure?.Invoke(builder);
        var server = await builder.StartAsync();
        return new TestMailServer(server, store, directory);
    }

    /// <summary>The messages in a user's INBOX, as stored.</summary>
    public async Task<List<byte[]>> InboxAsync(string userId, string mailbox = "INBOX")
    {
        await using var account = await Store.OpenAccountAsync(userId, default);
        await using var view = await account.OpenAsync(mailbox, readOnly: true, default);
        var list = new List<byte[]>();
        foreach (var m in view!.Messages)
        {
            await using var content = await view.OpenContentAsync(m.Uid, 0, null, default);
            using var copy = new MemoryStream();
            await content!.CopyToAsync(copy);
            list.Add(copy.ToArray());
        }

        return list;
    }

    /// <summary>Waits until a user's INBOX holds at least <paramref name="count"/> messages.</summary>
    public async Task<List<byte[]>> WaitForInboxAsync(string userId, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var inbox = await InboxAsync(userId);
            if (inbox.Count >= count || DateTime.UtcNow > deadline)
            {
                return inbox;
            }

            await Task.Delay(20);
        }
    }

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
