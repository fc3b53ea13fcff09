using System.Globalization;
using System.Net;
using MailKitServer.Runtime;
using MailKitServer.Smtp.Screening;
using MailKitServer.Smtp.Screening.Dnsbl;
using MailKitServer.TestSupport;

namespace MailKitServer.Smtp.Tests.Screening;

/// <summary>
/// DNS block and allow lists end to end: dnsmasq answers the lists' zones, swaks (and MailKit) send from loopback
/// addresses that the lists name or not, and the server refuses or takes the mail.
/// </summary>
public class DnsListSessionTests
{
    // 127.0.0.1 is on the block list; 127.0.0.2 on the block list and the allow list; 127.0.0.3 on neither.
    private static readonly string[] Zones =
    [
        "--local-ttl=300",
        "--host-record=1.0.0.127.bl.test,127.0.0.2",
        "--host-record=2.0.0.127.bl.test,127.0.0.2",
        "--host-record=2.0.0.127.wl.test,127.0.0.15",
        "--host-record=3.0.0.127.codes.test,127.0.0.9",
    ];

    [Fact]
    public async Task Swaks_from_a_listed_address_is_refused_at_RCPT_with_554_naming_the_list_and_nothing_is_stored()
    {
        await using var dns = await Dnsmasq.StartAsync(Zones);
        await using var server = await StartAsync(dns, o => o.BlockLists.Add(DnsListZone.Parse("bl.test")));

        var run = await ScreeningTestServer.SwaksAsync(server, "127.0.0.1");
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("<** 554 5.7.1 Service unavailable; client [127.0.0.1] blocked using bl.test", run.Stdout, StringComparison.Ordinal);
        Assert.Empty(await server.InboxAsync("bob@example.test"));
    }

    [Fact]
    public async Task An_address_on_an_allow_list_is_taken_although_a_block_list_names_it_and_one_on_no_list_too()
    {
        await using var dns = await Dnsmasq.StartAsync(Zones);
        await using var server = await StartAsync(dns, o =>
        {
            o.BlockLists.Add(DnsListZone.Parse("bl.test"));
            o.AllowLists.Add(DnsListZone.Parse("wl.test=127.0.0.0-127.0.0.255"));
        });

        var allowed = await ScreeningTestServer.SwaksAsync(server, "127.0.0.2");
        Assert.True(allowed.ExitCode == 0, allowed.ToString());
        var unlisted = await ScreeningTestServer.SwaksAsync(server, "127.0.0.3");
        Assert.True(unlisted.ExitCode == 0, unlisted.ToString());
        Assert.Equal(2, (await server.WaitForInboxAsync("bob@example.test", 2)).Count);
    }

    [Fact]
    public async Task Only_the_answers_the_codes_name_count()
    {
        await using var dns = await Dnsmasq.StartAsync(Zones);
        await using var server = await StartAsync(dns, o =>
        {
            o.BlockLists.Add(DnsListZone.Parse("codes.test=127.0.0.2,127.0.0.4-7"));
        });

        // codes.test answers 127.0.0.9 for 127.0.0.3: not one of the codes.
        var run = await ScreeningTestServer.SwaksAsync(server, "127.0.0.3");
        Assert.True(run.ExitCode == 0, run.ToString());
        await using var strict = await StartAsync(dns, o => o.BlockLists.Add(DnsListZone.Parse("codes.test=&8")));
        var refused = await ScreeningTestServer.SwaksAsync(strict, "127.0.0.3");
        Assert.Contains("554 5.7.1 Service unavailable; client [127.0.0.3] blocked using codes.test", refused.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_that_authenticates_first_is_not_judged_by_the_lists()
    {
        await using var dns = await Dnsmasq.StartAsync(Zones);
        await using var server = await StartAsync(dns, o => o.BlockLists.Add(DnsListZone.Parse("bl.test")));

        var authenticated = await ScreeningTestServer.SwaksAsync(server, "127.0.0.1", "--auth", "PLAIN", "--auth-user", "alice@example.test", "--auth-password", "alice-pw");
        Assert.True(authenticated.ExitCode == 0, authenticated.ToString());
        Assert.Single(await server.WaitForInboxAsync("bob@example.test", 1));

        // Without AUTH the same client is refused.
        var anonymous = await ScreeningTestServer.SwaksAsync(server, "127.0.0.1");
        Assert.Contains("554 5.7.1 Service unavailable; client [127.0.0.1] blocked using bl.test", anonymous.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_listing_is_remembered_for_its_TTL_so_a_second_client_is_refused_after_the_list_went_away()
    {
        var dns = await Dnsmasq.StartAsync(Zones);
        await using var server = await StartAsync(dns, o => o.BlockLists.Add(DnsListZone.Parse("bl.test")));
        var first = await ScreeningTestServer.SwaksAsync(server, "127.0.0.1");
        Assert.Contains("blocked using bl.test", first.Stdout, StringComparison.Ordinal);
        await dns.DisposeAsync();

        var second = await ScreeningTestServer.SwaksAsync(server, "127.0.0.1");
        Assert.Contains("554 5.7.1 Service unavailable; client [127.0.0.1] blocked using bl.test", second.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lists_that_time_out_or_fail_do_not_block_mail()
    {
        // dnsmasq forwards timeout.test to a port where nothing answers, and refused.test to one that is closed.
        await using var dns = await Dnsmasq.StartAsync([.. Zones, "--server=/timeout.test/127.0.0.1#9"]);
        await using var server = await StartAsync(dns, o =>
        {
            o.BlockLists.Add(DnsListZone.Parse("timeout.test"));
            o.BlockLists.Add(DnsListZone.Parse("nxdomain.test"));
            o.DnsTimeout = TimeSpan.FromMilliseconds(500);
        });

        var run = await ScreeningTestServer.SwaksAsync(server, "127.0.0.1");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Single(await server.WaitForInboxAsync("bob@example.test", 1));
    }

    [Fact]
    public async Task A_name_server_that_answers_garbage_does_not_block_mail()
    {
        // A UDP name server that answers every query with its id, a header claiming 200 answers, and 4000 octets 0xFF
        // (a label length no name may have, compression pointers past the end).
        using var garbage = new System.Net.Sockets.UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        using var stop = new CancellationTokenSource();
        var answering = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var query = await garbage.ReceiveAsync(stop.Token);
                var reply = new byte[4012];
                Array.Fill(reply, (byte)0xFF);
                reply[0] = query.Buffer[0];
                reply[1] = query.Buffer[1];
                reply[2] = 0x81;
                reply[3] = 0x80;
                reply[6] = 0;
                reply[7] = 200;
                await garbage.SendAsync(reply, query.RemoteEndPoint, stop.Token);
            }
        });
        var options = new Dns.DnsResolverOptions { UseCache = false, Timeout = TimeSpan.FromSeconds(2), Attempts = 1 };
        options.Servers.Add((IPEndPoint)garbage.Client.LocalEndPoint!);
        var screening = new ScreeningOptions();
        screening.BlockLists.Add(DnsListZone.Parse("bl.test"));
        await using var server = await ScreeningTestServer.StartAsync(screening, dns: new Dns.DnsClientResolver(options));

        var run = await ScreeningTestServer.SwaksAsync(server, "127.0.0.1");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Single(await server.WaitForInboxAsync("bob@example.test", 1));
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => answering);
    }

    [Fact]
    public async Task An_IPv6_client_is_looked_up_by_its_nibbles()
    {
        var name = string.Join('.', Enumerable.Repeat("0", 31).Prepend("1")) + ".bl.test";
        await using var dns = await Dnsmasq.StartAsync([.. Zones, $"--host-record={name},127.0.0.2"]);
        var screening = new ScreeningOptions { DnsTimeout = TimeSpan.FromSeconds(30) };
        screening.BlockLists.Add(DnsListZone.Parse("bl.test"));
        var directory = new Users.InMemory.InMemoryUserDirectory();
        directory.AddUser("bob@example.test", "bob-pw");
        await using var server = await MailServer.CreateBuilder()
            .UseDirectory(directory)
            .UseDnsResolver(dns.Resolver(TimeSpan.FromSeconds(30)))
            .AddSmtp("smtp6", new IPEndPoint(IPAddress.IPv6Loopback, 0), Policy.SmtpRole.Mta, configure: o => o.Screening = screening)
            .StartAsync();

        var run = await ExternalTool.RunAsync("swaks", ["--server", "::1", "--port", server.GetEndpoint("smtp6").Port.ToString(CultureInfo.InvariantCulture), "--from", "a@x.test", "--to", "bob@example.test"]);
        Assert.True(run.Stdout.Contains("554 5.7.1 Service unavailable; client [::1] blocked using bl.test", StringComparison.Ordinal), run.ToString());
    }

    private static Task<TestMailServer> StartAsync(Dnsmasq dns, Action<ScreeningOptions> configure)
    {
        // Generous time limits: a loaded test machine must not turn a listing into "did not answer".
        var screening = new ScreeningOptions { DnsTimeout = TimeSpan.FromSeconds(30) };
        configure(screening);
        return ScreeningTestServer.StartAsync(screening, dns: dns.Resolver(TimeSpan.FromSeconds(30)));
    }
}
