using System.Net;
using System.Net.Sockets;
using MailKitServer.Policy;
using MailKitServer.Runtime;
using MailKitServer.Smtp;
using MailKitServer.Storage.InMemory;
using MailKitServer.Users.InMemory;

namespace MailKitServer.TestSupport;

/// <summary>
/// Server B of the outbound tests: SMTP on 127.0.0.2 (where the tests' DNS sends mx.b.test) taking mail for
/// someone@b.test into memory. Linux routes all of 127.0.0.0/8 to loopback.
/// </summary>
public sealed class RemoteReceiver : IAsyncDisposable
{
    public static readonly IPAddress Address = IPAddress.Parse("127.0.0.2");

    private RemoteReceiver(MailServer server, InMemoryMessageStore store)
    {
        Server = server;
        Store = store;
    }

    public MailServer Server { get; }

    public InMemoryMessageStore Store { get; }

    public int Port => Server.GetEndpoint("smtp").Port;

    /// <summary>Starts B on 127.0.0.2; with <paramref name="certificate"/> its STARTTLS presents that instead of the development certificate.</summary>
    public static async Task<RemoteReceiver> StartAsync(int port = 0, System.Security.Cryptography.X509Certificates.X509Certificate2? certificate = null)
    {
        var store = new InMemoryMessageStore();
        var directory = new InMemoryUserDirectory();
        directory.AddUser("someone@b.test", "pw");
        var server = await MailServer.CreateBuilder().UseStore(store).UseDirectory(directory)
            .Configure(o =>
            {
                o.ServerName = "mx.b.test";
                o.Certificate = certificate;
            })
            .AddSmtp("smtp", new IPEndPoint(Address, port), SmtpRole.Mta)
            .StartAsync();
        return new RemoteReceiver(server, store);
    }

    /// <summary>A port free on 127.0.0.2 now, for a B that is down at first and started on it later.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(Address, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The messages someone@b.test has, as stored (with the Return-Path B added).</summary>
    public async Task<List<byte[]>> MessagesAsync()
    {
        await using var account = await Store.OpenAccountAsync("someone@b.test", default);
        await using var view = await account.OpenAsync("INBOX", readOnly: true, default);
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

    /// <summary>How many messages someone@b.test has.</summary>
    public async Task<int> CountAsync()
    {
        await using var account = await Store.OpenAccountAsync("someone@b.test", default);
        return (await account.GetStatusAsync("INBOX", default))?.Messages ?? 0;
    }

    /// <summary>
    /// Waits until someone@b.test has <paramref name="count"/> messages (woken by the store's change feed; 20 s at
    /// most); returns how many there are.
    /// </summary>
    public async Task<int> WaitForCountAsync(int count)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await using var account = await Store.OpenAccountAsync("someone@b.test", default);
        await using var view = await account.OpenAsync("INBOX", readOnly: true, default);
        while (true)
        {
            var n = await CountAsync();
            if (n >= count)
            {
                return n;
            }

            try
            {
                await view!.Changes.ReadAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                return await CountAsync();
            }
        }
    }

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
