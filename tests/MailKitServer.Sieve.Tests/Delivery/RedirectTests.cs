using System.Net;
using System.Text;
using MailKitServer.Dns;
using MailKitServer.Runtime;
using MailKitServer.Sieve.Scripts;
using MailKitServer.Smtp;
using MailKitServer.Smtp.Outbound;
using MailKitServer.Storage;
using MailKitServer.Storage.InMemory;
using MailKitServer.TestSupport;
using MailKitServer.Users.InMemory;

namespace MailKitServer.Sieve.Tests.Delivery;

/// <summary>redirect (RFC 5228 §4.2) through the outbound queue to a second server, and to local users.</summary>
public sealed class RedirectTests
{
    private static async Task<(MailServer Remote, SignallingStore Store)> StartRemoteAsync()
    {
        var store = new SignallingStore(new InMemoryMessageStore());
        var directory = new InMemoryUserDirectory();
        directory.AddUser("someone@b.test", "pw");
        var server = await MailServer.CreateBuilder().UseStore(store).UseDirectory(directory)
            .Configure(o => o.ServerName = "mx.b.test")
            .AddSmtp("smtp", new IPEndPoint(RemoteReceiver.Address, 0), Policy.SmtpRole.Mta)
            .StartAsync();
        return (server, store);
    }

    private static Task<SieveServer> StartSenderAsync(int remotePort) =>
        SieveServer.StartAsync(b => b
            .UseDnsResolver(new StaticDnsResolver().AddMx("b.test", 10, "mx.b.test").AddAddress("mx.b.test", RemoteReceiver.Address))
            .AddOutboundDelivery(o =>
            {
                o.RemotePort = remotePort;
                o.RetrySchedule.Clear();
                o.RetrySchedule.Add(TimeSpan.FromMilliseconds(200));
            }));

    [Fact]
    public async Task A_redirect_goes_through_the_outbound_queue_with_the_recipient_as_envelope_sender()
    {
        var (remote, remoteStore) = await StartRemoteAsync();
        await using var _ = remote;
        await using var server = await StartSenderAsync(remote.GetEndpoint("smtp").Port);
        await server.ActivateAsync("bob@example.test", "if header :contains \"subject\" \"forward\" { redirect \"someone@b.test\"; }");
        await server.SendAsync("alice@example.test", "bob@example.test", "please forward this");

        var delivered = await remoteStore.NextAsync();
        Assert.Equal("bob@example.test", delivered.ReversePath);
        Assert.Empty(await server.Server.InboxAsync("bob@example.test"));
        await using var account = await remoteStore.OpenAccountAsync("someone@b.test", default);
        await using var inbox = await account.OpenAsync(MailboxName.Inbox, readOnly: true, default);
        await using var content = await inbox!.OpenContentAsync(inbox.Messages[0].Uid, 0, null, default);
        var text = await new StreamReader(content!).ReadToEndAsync();
        Assert.Contains("Subject: please forward this", text, StringComparison.Ordinal);
        Assert.StartsWith("Return-Path: <bob@example.test>", text, StringComparison.Ordinal);
        Assert.Equal(2, text.Split("Return-Path:").Length);
    }

    [Fact]
    public async Task A_redirect_with_copy_to_a_local_user_keeps_a_copy_and_runs_the_targets_script_once()
    {
        await using var server = await SieveServer.StartAsync();
        server.Server.Directory.AddUser("carol@example.test", "carol-pw");
        await server.ActivateAsync("bob@example.test", "require \"copy\"; redirect :copy \"carol@example.test\";");

        // Carol redirects back to bob: that second redirect is sent without running bob's script again (no loop).
        await server.ActivateAsync("carol@example.test", "require [\"fileinto\", \"copy\", \"mailbox\"]; fileinto :create \"FromBob\"; redirect :copy \"bob@example.test\";");
        await server.SendAsync("alice@example.test", "bob@example.test", "shared");

        Assert.Equal(2, (await server.Server.InboxAsync("bob@example.test")).Count);
        var carol = Encoding.UTF8.GetString(Assert.Single(await server.Server.InboxAsync("carol@example.test", "FromBob")));
        Assert.StartsWith("Return-Path: <bob@example.test>", carol, StringComparison.Ordinal);
        Assert.Contains("Subject: shared", carol, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_accounts_redirecting_to_each_other_across_two_servers_stop_after_one_round()
    {
        // b.test (127.0.0.2) relays to example.test's MX on a port of 127.0.0.1 chosen now, which example.test then listens on.
        int exampleMxPort;
        using (var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            exampleMxPort = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        var remoteStore = new InMemoryMessageStore();
        var remoteDirectory = new InMemoryUserDirectory();
        remoteDirectory.AddUser("someone@b.test", "pw");
        var remoteScripts = new InMemorySieveScriptStore();
        await remoteScripts.PutAsync("someone@b.test", "main", "redirect \"bob@example.test\";", default);
        Assert.True(await remoteScripts.SetActiveAsync("someone@b.test", "main", default));
        await using var remote = await MailServer.CreateBuilder().UseStore(remoteStore).UseDirectory(remoteDirectory)
            .Configure(o => o.ServerName = "mx.b.test")
            .UseDnsResolver(new StaticDnsResolver().AddMx("example.test", 10, "mx.example.test").AddAddress("mx.example.test", IPAddress.Loopback))
            .AddOutboundDelivery(o =>
            {
                o.RemotePort = exampleMxPort;
                o.RetrySchedule.Clear();
                o.RetrySchedule.Add(TimeSpan.FromMilliseconds(200));
            })
            .AddSmtp("smtp", new IPEndPoint(RemoteReceiver.Address, 0), Policy.SmtpRole.Mta)
            .AddSieve(o => o.ScriptStore = remoteScripts)
            .StartAsync();
        await using var server = await SieveServer.StartAsync(b => b
            .UseDnsResolver(new StaticDnsResolver().AddMx("b.test", 10, "mx.b.test").AddAddress("mx.b.test", RemoteReceiver.Address))
            .AddOutboundDelivery(o =>
            {
                o.RemotePort = remote.GetEndpoint("smtp").Port;
                o.RetrySchedule.Clear();
                o.RetrySchedule.Add(TimeSpan.FromMilliseconds(200));
            })
            .AddSmtp("mx", new IPEndPoint(IPAddress.Loopback, exampleMxPort), Policy.SmtpRole.Mta));
        await server.ActivateAsync("bob@example.test", "redirect \"someone@b.test\";");

        await server.SendAsync("alice@example.test", "bob@example.test", "ping-pong");

        // bob -> someone@b.test -> bob again, who finds his own marker: the message stays in his INBOX (RFC 5228 §4.2).
        var back = Encoding.UTF8.GetString(Assert.Single(await server.Server.WaitForInboxAsync("bob@example.test", 1)));
        Assert.Contains("X-Sieve-Redirected-By: bob@example.test\r\n", back, StringComparison.Ordinal);
        Assert.Contains("X-Sieve-Redirected-By: someone@b.test\r\n", back, StringComparison.Ordinal);
        Assert.True(
            back.IndexOf("X-Sieve-Redirected-By: someone@b.test", StringComparison.Ordinal) < back.IndexOf("X-Sieve-Redirected-By: bob@example.test", StringComparison.Ordinal),
            "the newest marker is on top");
        Assert.StartsWith("Return-Path: <someone@b.test>", back, StringComparison.Ordinal);
        Assert.Contains("Subject: ping-pong", back, StringComparison.Ordinal);

        // someone@b.test's script redirected it without keeping a copy.
        await using var account = await remoteStore.OpenAccountAsync("someone@b.test", default);
        await using var inbox = await account.OpenAsync(MailboxName.Inbox, readOnly: true, default);
        Assert.Empty(inbox!.Messages);
    }
}
