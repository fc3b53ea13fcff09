using System.Net;
using MailKitServer.Dns;
using MailKitServer.Imap;
using MailKitServer.Pop3;
using MailKitServer.Runtime;
using MailKitServer.Sieve;
using MailKitServer.Sieve.PostgreSql;
using MailKitServer.Smtp;
using MailKitServer.Smtp.Outbound;

namespace MailKitServer.Storage.PostgreSql.Tests;

/// <summary>One server node in the test process: SMTP, submission, POP3 and IMAP on free loopback ports over a shared database.</summary>
internal sealed class PostgresNode : IAsyncDisposable
{
    private PostgresNode(PostgresMailDatabase database, MailServer server)
    {
        Database = database;
        Server = server;
    }

    public PostgresMailDatabase Database { get; }

    public MailServer Server { get; }

    public IPEndPoint Smtp => Server.GetEndpoint("smtp").EndPoint;

    public IPEndPoint Submission => Server.GetEndpoint("submission").EndPoint;

    public IPEndPoint Imap => Server.GetEndpoint("imap").EndPoint;

    public IPEndPoint Pop3 => Server.GetEndpoint("pop3").EndPoint;

    public OutboundQueue Queue => Server.GetOutboundQueue();

    public static async Task<PostgresNode> StartAsync(string connectionString, string name, Action<PostgresStoreOptions>? configure = null, (IDnsResolver Dns, int Port)? outbound = null, bool sieve = false)
    {
        var database = await PostgresFixture.OpenAsync(connectionString, o =>
        {
            o.NodeName = name;
            configure?.Invoke(o);
        });
        var builder = MailServer.CreateBuilder()
            .UseStore(database.MessageStore)
            .UseDirectory(database.Directory)
            .Configure(o =>
            {
                o.ServerName = name + ".example.test";
                o.AllowInsecureAuthentication = true;
            })
            .AddSmtp(0)
            .AddSubmission(0)
            .AddPop3(0)
            .AddImap(0);
        if (outbound is { } remote)
        {
            // The remote end is a receiver the test started on a port it bound itself.
            builder.UseDnsResolver(remote.Dns).AddOutboundDelivery(o =>
            {
                o.RemotePort = remote.Port;
                o.RetrySchedule.Clear();
                o.RetrySchedule.Add(TimeSpan.FromMilliseconds(200));
            }, database.QueueStore);
        }

        if (sieve)
        {
            // Scripts in the same database, and ManageSieve on a free port (its STARTTLS with the development certificate).
            builder.AddSieve(o =>
            {
                o.ScriptStore = new PostgresSieveScriptStore(database);
                o.ManageSieveEndPoint = new IPEndPoint(IPAddress.Loopback, 0);
            });
        }

        var server = await builder.StartAsync();
        return new PostgresNode(database, server);
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        await Database.DisposeAsync();
    }
}
