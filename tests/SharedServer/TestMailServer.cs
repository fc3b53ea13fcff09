using System.Net;
using MailKitServer.Users.InMemory;
using MailKitServer.Runtime;
using MailKitServer.Imap;
using MailKitServer.Pop3;
using MailKitServer.Smtp;
using MailKitServer.Storage.InMemory;

namespace MailKitServer.TestSupport;

/// <summary>A server on free loopback ports with SMTP, submission, SMTPS, LMTP, POP3, POP3S, IMAP and IMAPS, and two users.</summary>
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

    public IPEndPoint Pop3 => Server.GetEndpoint("pop3").EndPoint;

    public IPEndPoint Pop3s => Server.GetEndpoint("pop3s").EndPoint;

    public IPEndPoint Imap => Server.GetEndpoint("imap").EndPoint;

    public IPEndPoint Imaps => Server.GetEndpoint("imaps").EndPoint;

    public static async Task<TestMailServer> StartAsync(Action<SmtpOptions>? smtp = null, Action<MailServerBuilder>? configure = null, bool insecureAuth = true, Action<Pop3Options>? pop3 = null, Action<ImapOptions>? imap = null)
    {
        var directory = new InMemoryUserDirectory();
        var store = new InMemoryMessageStore(new InMemoryMessageStoreOptions { QuotaDirectory = directory });
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
            .AddLmtp(0, smtp)
            .AddPop3(0, pop3)
            .AddPop3s(0, pop3)
            .AddImap(0, imap)
            .AddImaps(0, imap);
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

    /// <summary>Appends a message to a user's mailbox through the store seam.</summary>
    public async Task<uint> AppendAsync(string userId, string message, string mailbox = "INBOX")
    {
        await using var account = await Store.OpenAccountAsync(userId, default);
        var result = await account.AppendAsync(mailbox, new MemoryStream(System.Text.Encoding.UTF8.GetBytes(message)), Storage.SystemFlags.None, [], null, default);
        return result.Uid;
    }

    /// <summary>Waits until a user's INBOX holds at least <paramref name="count"/> messages (woken by the store's change feed; 15 s at most).</summary>
    public async Task<List<byte[]>> WaitForInboxAsync(string userId, int count)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await using var account = await Store.OpenAccountAsync(userId, default);
        await using var view = await account.OpenAsync("INBOX", readOnly: true, default);
        while (true)
        {
            var inbox = await InboxAsync(userId);
            if (inbox.Count >= count)
            {
                return inbox;
            }

            try
            {
                await view!.Changes.ReadAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                return inbox;
            }
        }
    }

    /// <summary>Waits until every connection to the server has ended (its session finished and cleaned up; 15 s at most).</summary>
    public Task WaitForNoConnectionsAsync() => TestSupport.ConnectionEvents.WaitForConnectionsAsync(Server);

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
