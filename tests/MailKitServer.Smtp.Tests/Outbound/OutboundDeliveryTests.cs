using System.Net;
using MailKitServer.Smtp.Outbound.Queue;
using MailKitServer.Dns;
using MailKitServer.Smtp.Outbound;
using MailKitServer.TestSupport;
using static MailKitServer.Smtp.Tests.Outbound.OutboundHarness;

namespace MailKitServer.Smtp.Tests.Outbound;

/// <summary>Outbound delivery between two in-process servers, and against scripted remotes that misbehave.</summary>
public class OutboundDeliveryTests
{
    private const string Message = "From: alice@example.test\r\nTo: someone@b.test\r\nSubject: hello b\r\nMessage-ID: <m1@example.test>\r\n\r\nHello from A.\r\n";

    [Fact]
    public async Task Mail_for_a_remote_domain_goes_to_its_mx_over_one_connection()
    {
        await using var b = await RemoteReceiver.StartAsync();
        await using var a = await StartSenderAsync(b.Port);
        for (var i = 0; i < 3; i++)
        {
            await SubmitAsync(a, "alice@example.test", ["someone@b.test"], Message.Replace("hello b", $"hello b {i}", StringComparison.Ordinal));
        }

        var texts = await WaitForTextsAsync(b.Store, "someone@b.test", 3);
        Assert.Equal(3, texts.Count);
        Assert.Contains(texts, t => t.Contains("Subject: hello b 2", StringComparison.Ordinal) && t.Contains("Hello from A.", StringComparison.Ordinal));
        Assert.True(await a.Server.GetOutboundQueue().WaitUntilEmptyAsync(TimeSpan.FromSeconds(10)));
        Assert.Empty(await InboxTextsAsync(a.Store, "alice@example.test"));
    }

    [Fact]
    public async Task A_5xx_from_the_remote_bounces_to_the_sender_with_a_delivery_status_report()
    {
        await using var b = await RemoteReceiver.StartAsync();
        await using var a = await StartSenderAsync(b.Port);
        await SubmitAsync(a, "alice@example.test", ["someone@b.test", "nobody@b.test"], Message, " RET=HDRS ENVID=env-42", " NOTIFY=FAILURE ORCPT=rfc822;orig@b.test");
        Assert.Single(await WaitForTextsAsync(b.Store, "someone@b.test", 1));
        var bounce = Assert.Single(await WaitForTextsAsync(a.Store, "alice@example.test", 1));
        Assert.Contains("Subject: Undelivered Mail Returned to Sender", bounce, StringComparison.Ordinal);
        Assert.Contains("Content-Type: multipart/report;", bounce, StringComparison.Ordinal);
        Assert.Contains("report-type=delivery-status", bounce, StringComparison.Ordinal);
        Assert.Contains("Return-Path: <>", bounce, StringComparison.Ordinal);
        Assert.Contains("Original-Envelope-Id: env-42", bounce, StringComparison.Ordinal);
        Assert.Contains("Original-Recipient: rfc822;orig@b.test", bounce, StringComparison.Ordinal);
        Assert.Contains("Final-Recipient: rfc822; nobody@b.test", bounce, StringComparison.Ordinal);
        Assert.DoesNotContain("Final-Recipient: rfc822; someone@b.test", bounce, StringComparison.Ordinal);
        Assert.Contains("Action: failed", bounce, StringComparison.Ordinal);
        Assert.Contains("Status: 5.1.1", bounce, StringComparison.Ordinal);
        Assert.Contains("Remote-MTA: dns; mx.b.test", bounce, StringComparison.Ordinal);
        Assert.Contains("Diagnostic-Code: smtp; 550 5.1.1", bounce, StringComparison.Ordinal);
        Assert.Contains("Content-Type: text/rfc822-headers", bounce, StringComparison.Ordinal);
        Assert.DoesNotContain("Hello from A.", bounce, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_remote_that_is_down_is_retried_until_it_comes_back()
    {
        var port = RemoteReceiver.FreePort(); // B is down at first
        await using var a = await StartSenderAsync(port);
        await SubmitAsync(a, "alice@example.test", ["someone@b.test"], Message);
        var queue = a.Server.GetOutboundQueue();
        await WaitUntilAsync(queue, () => queue.List().FirstOrDefault()?.Attempts >= 2);

        var entry = Assert.Single(queue.List());
        Assert.True(entry.Attempts >= 2);
        var (address, state, status, diagnostic) = Assert.Single(entry.Recipients);
        Assert.Equal(("someone@b.test", RecipientState.Pending, "4.4.1"), (address, state, status));
        Assert.Contains("ConnectionRefused", diagnostic, StringComparison.Ordinal);

        await using var b2 = await RemoteReceiver.StartAsync(port);
        Assert.Single(await WaitForTextsAsync(b2.Store, "someone@b.test", 1));
        Assert.True(await queue.WaitUntilEmptyAsync(TimeSpan.FromSeconds(10)));
        Assert.Empty(await InboxTextsAsync(a.Store, "alice@example.test"));
    }

    [Fact]
    public async Task Expired_messages_bounce_with_4_4_7_and_delay_notices_go_to_those_who_asked()
    {
        await using var a = await StartSenderAsync(1, configure: o =>
        {
            o.QueueLifetime = TimeSpan.FromSeconds(1.5);
            o.DelayNoticeAfter = TimeSpan.FromMilliseconds(300);
        });
        await SubmitAsync(a, "alice@example.test", ["someone@b.test"], Message, rcptParameters: " NOTIFY=DELAY,FAILURE");
        var texts = await WaitForTextsAsync(a.Store, "alice@example.test", 2);
        Assert.Equal(2, texts.Count);
        Assert.Contains("Action: delayed", texts[0], StringComparison.Ordinal);
        Assert.Contains("Will-Retry-Until:", texts[0], StringComparison.Ordinal);
        Assert.Contains("Action: failed", texts[1], StringComparison.Ordinal);
        Assert.Contains("Status: 4.4.7", texts[1], StringComparison.Ordinal);
        Assert.Contains("Hello from A.", texts[1], StringComparison.Ordinal); // RET=FULL is the default
    }

    [Theory]
    [InlineData("null.test", "5.1.10", "null MX")]
    [InlineData("nowhere.test", "5.1.2", "not found")]
    [InlineData("self.test", "5.4.6", "loops back to myself")]
    public async Task Domains_that_cannot_take_mail_bounce_at_once(string domain, string status, string words)
    {
        var dns = StaticDns().AddMx("null.test", 0, ".").AddMx("self.test", 10, "mx.example.test");
        await using var a = await StartSenderAsync(25, dns);
        await SubmitAsync(a, "alice@example.test", [$"x@{domain}"], Message);
        var bounce = Assert.Single(await WaitForTextsAsync(a.Store, "alice@example.test", 1));
        Assert.Contains("Status: " + status, bounce, StringComparison.Ordinal);
        Assert.Contains(words, bounce.Replace("\r\n ", " ", StringComparison.Ordinal), StringComparison.Ordinal); // RFC 5322 §2.2.3 unfolding
        Assert.DoesNotContain("Remote-MTA", bounce, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Nothing_is_sent_back_for_notify_never_or_the_null_sender()
    {
        await using var a = await StartSenderAsync(1, dns: StaticDns().AddMx("null.test", 0, "."));
        await SubmitAsync(a, "alice@example.test", ["x@null.test"], Message, rcptParameters: " NOTIFY=NEVER");
        await SubmitAsync(a, "", ["y@null.test"], Message);
        // A notice to a local sender is stored before its entry leaves the queue: none can come after this.
        Assert.True(await a.Server.GetOutboundQueue().WaitUntilEmptyAsync(TimeSpan.FromSeconds(10)));
        Assert.Empty(await InboxTextsAsync(a.Store, "alice@example.test"));
    }

    [Fact]
    public async Task A_dns_failure_defers_with_4_4_3()
    {
        await using var a = await StartSenderAsync(25, new FailingDns());
        await SubmitAsync(a, "alice@example.test", ["someone@b.test"], Message);
        var queue = a.Server.GetOutboundQueue();
        await WaitUntilAsync(queue, () => queue.List().FirstOrDefault()?.Recipients[0].Status is not null);

        var recipient = Assert.Single(Assert.Single(queue.List()).Recipients);
        Assert.Equal(RecipientState.Pending, recipient.State);
        Assert.Equal("4.4.3", recipient.Status);
        Assert.Contains("SERVFAIL", recipient.Diagnostic, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("hang")]
    [InlineData("drop-in-data")]
    [InlineData("garbage")]
    [InlineData("overlong")]
    public async Task A_misbehaving_remote_is_a_temporary_failure_and_the_message_stays(string behaviour)
    {
        await using var remote = new ScriptedSmtpServer(RemoteAddress, async c =>
        {
            if (behaviour == "hang")
            {
                await Task.Delay(TimeSpan.FromSeconds(30));
                return;
            }

            if (behaviour == "garbage")
            {
                await c.SendAsync("HTTP/1.1 400 Bad Request");
                return;
            }

            if (behaviour == "overlong")
            {
                await c.SendRawAsync("220-" + new string('x', 10000));
                await Task.Delay(TimeSpan.FromSeconds(30));
                return;
            }

            await c.SendAsync("220 scripted.test");
            while (await c.ReadLineAsync() is { } line)
            {
                if (line.StartsWith("EHLO", StringComparison.Ordinal))
                {
                    await c.SendAsync("250-scripted.test\r\n250 PIPELINING");
                }
                else if (line == "DATA")
                {
                    await c.SendAsync("354 go");
                    await c.ReadLineAsync();
                    return; // drop the connection in the middle of the content
                }
                else if (line.StartsWith("MAIL", StringComparison.Ordinal) || line.StartsWith("RCPT", StringComparison.Ordinal))
                {
                    await c.SendAsync("250 OK");
                }
            }
        });
        await using var a = await StartSenderAsync(remote.Port, configure: o => o.CommandTimeout = TimeSpan.FromMilliseconds(500));
        var queue = a.Server.GetOutboundQueue();
        using var events = new QueueEvents(queue);
        await SubmitAsync(a, "alice@example.test", ["someone@b.test"], Message);
        await events.NextAsync("deferred");

        var recipient = Assert.Single(Assert.Single(queue.List()).Recipients);
        Assert.Equal(RecipientState.Pending, recipient.State);
        Assert.Equal("4.4.1", recipient.Status);
        Assert.Contains(behaviour switch
        {
            "hang" => "did not answer",
            "garbage" => "answered garbage",
            "overlong" => "longer than",
            _ => "lost connection",
        }, recipient.Diagnostic, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replies_split_oddly_and_multi_line_are_read_and_success_is_reported_for_a_remote_without_dsn()
    {
        var received = new List<string>();
        await using var remote = new ScriptedSmtpServer(RemoteAddress, async c =>
        {
            await c.SendRawAsync("220-scripted.test\r\n22");
            await Task.Delay(20);
            await c.SendRawAsync("0 ready\r\n");
            while (await c.ReadLineAsync() is { } line)
            {
                if (line.StartsWith("EHLO", StringComparison.Ordinal))
                {
                    await c.SendRawAsync("250-scripted.test\r\n250-SIZE 1000");
                    await Task.Delay(20);
                    await c.SendRawAsync("00\r\n250 8BITMIME\r\n");
                }
                else if (line == "DATA")
                {
                    await c.SendAsync("354 go");
                    var body = new System.Text.StringBuilder();
                    while (await c.ReadLineAsync() is { } l && l != ".")
                    {
                        body.Append(l).Append('\n');
                    }

                    lock (received)
                    {
                        received.Add(body.ToString());
                    }

                    await c.SendAsync("250 2.0.0 queued");
                }
                else if (line == "QUIT")
                {
                    await c.SendAsync("221 bye");
                    return;
                }
                else
                {
                    await c.SendAsync("250 OK");
                }
            }
        });
        await using var a = await StartSenderAsync(remote.Port);
        await SubmitAsync(a, "alice@example.test", ["someone@b.test"], Message + "..leading dot line\r\n", rcptParameters: " NOTIFY=SUCCESS");
        var notice = Assert.Single(await WaitForTextsAsync(a.Store, "alice@example.test", 1));
        Assert.Contains("Action: relayed", notice, StringComparison.Ordinal);
        Assert.Contains("Subject: Successful Mail Delivery Report", notice, StringComparison.Ordinal);
        var body = Assert.Single(received);
        Assert.Contains("\n..leading dot line\n", body, StringComparison.Ordinal); // still dot-stuffed on the wire
    }

    [Fact]
    public async Task A_message_needing_smtputf8_bounces_when_the_remote_lacks_it()
    {
        await using var remote = ScriptedSmtpServer.Minimal(RemoteAddress, ["PIPELINING", "8BITMIME"], _ => { });
        await using var a = await StartSenderAsync(remote.Port);
        await SubmitAsync(a, "alice@example.test", ["someone@b.test"], "Subject: Grüße\r\n\r\nhi\r\n", " SMTPUTF8");
        var bounce = Assert.Single(await WaitForTextsAsync(a.Store, "alice@example.test", 1));
        Assert.Contains("Status: 5.6.7", bounce, StringComparison.Ordinal);
        Assert.Contains("message/global", bounce, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_file_queue_survives_a_restart_and_delivers_afterwards()
    {
        var directory = Directory.CreateTempSubdirectory("mks-queue").FullName;
        try
        {
            var port = RemoteReceiver.FreePort(); // B is down at first
            await using (var a = await StartSenderAsync(port, store: new FileQueueStore(directory)))
            {
                await SubmitAsync(a, "alice@example.test", ["someone@b.test"], Message);
                Assert.Single(a.Server.GetOutboundQueue().List());
            }

            Assert.Single(Directory.GetFiles(directory, "*.eml"));
            await using var b2 = await RemoteReceiver.StartAsync(port);
            await using var restarted = await StartSenderAsync(port, store: new FileQueueStore(directory));
            Assert.Single(await WaitForTextsAsync(b2.Store, "someone@b.test", 1));
            Assert.True(await restarted.Server.GetOutboundQueue().WaitUntilEmptyAsync(TimeSpan.FromSeconds(10)));
            Assert.Equal([], Directory.GetFiles(directory).Select(Path.GetFileName));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task The_retry_schedule_runs_on_the_server_clock()
    {
        var time = new MailKitServer.TestSupport.ManualTimeProvider();
        await using var a = await StartSenderAsync(1, time: time, configure: o =>
        {
            o.RetrySchedule.Clear();
            o.RetrySchedule.Add(TimeSpan.FromMinutes(5));
            o.RetrySchedule.Add(TimeSpan.FromMinutes(10));
            o.QueueLifetime = TimeSpan.FromMinutes(30);
        });
        var queue = a.Server.GetOutboundQueue();
        using var events = new QueueEvents(queue);
        await SubmitAsync(a, "alice@example.test", ["someone@b.test"], Message);

        // Each attempt ends in a deferral; then the scheduler sleeps on the server clock until the next is due.
        async Task<int> AttemptedAsync(TimeSpan sleepsFor)
        {
            await events.NextAsync("deferred");
            await time.WaitForArmedAsync(d => d == sleepsFor);
            return Assert.Single(queue.List()).Attempts;
        }

        Assert.Equal(1, await AttemptedAsync(TimeSpan.FromMinutes(5)));
        time.Advance(TimeSpan.FromMinutes(4));
        await time.WaitForArmedAsync(d => d == TimeSpan.FromMinutes(1)); // still asleep, one minute to go
        Assert.Equal(1, Assert.Single(queue.List()).Attempts);
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(2, await AttemptedAsync(TimeSpan.FromMinutes(10)));
        Assert.Equal(time.GetUtcNow() + TimeSpan.FromMinutes(10), queue.List()[0].NextAttemptAt);
        time.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(3, await AttemptedAsync(TimeSpan.FromMinutes(10)));
        time.Advance(TimeSpan.FromMinutes(10)); // the last delay repeats; 25 minutes in
        Assert.Equal(4, await AttemptedAsync(TimeSpan.FromMinutes(10)));
        time.Advance(TimeSpan.FromMinutes(10)); // 35 minutes: past the lifetime, the attempt ends in a bounce
        var bounce = Assert.Single(await WaitForTextsAsync(a.Store, "alice@example.test", 1));
        Assert.Contains("Status: 4.4.7", bounce, StringComparison.Ordinal);
        Assert.Empty(queue.List());
    }

    [Fact]
    public async Task Messages_to_the_same_host_share_one_connection()
    {
        var received = new List<string>();
        await using var remote = ScriptedSmtpServer.Minimal(RemoteAddress, ["PIPELINING"], body => { lock (received) { received.Add(body); } });
        await using var a = await StartSenderAsync(remote.Port);
        for (var i = 0; i < 3; i++)
        {
            await SubmitAsync(a, "alice@example.test", ["someone@b.test"], Message);
            Assert.True(await a.Server.GetOutboundQueue().WaitUntilEmptyAsync(TimeSpan.FromSeconds(10)));
        }

        Assert.Equal(3, received.Count);
        Assert.Equal(1, remote.Connections);
    }

    [Fact]
    public async Task A_pooled_connection_the_host_closed_meanwhile_is_replaced_without_a_deferral()
    {
        var received = 0;
        await using var remote = new ScriptedSmtpServer(RemoteAddress, async c =>
        {
            await c.SendAsync("220 scripted.test");
            while (await c.ReadLineAsync() is { } line)
            {
                if (line == "DATA")
                {
                    await c.SendAsync("354 go");
                    while (await c.ReadLineAsync() is { } l && l != ".")
                    {
                    }

                    Interlocked.Increment(ref received);
                    await c.SendAsync("250 2.0.0 queued");
                    return; // closes the connection behind the client's back, one message per connection
                }

                await c.SendAsync(line.StartsWith("EHLO", StringComparison.Ordinal) ? "250-scripted.test\r\n250 PIPELINING" : "250 OK");
            }
        });
        // A deferral would wait an hour: the queue empties only if the dead pooled connection is replaced at once.
        await using var a = await StartSenderAsync(remote.Port, configure: o =>
        {
            o.RetrySchedule.Clear();
            o.RetrySchedule.Add(TimeSpan.FromHours(1));
        });
        for (var i = 0; i < 2; i++)
        {
            await SubmitAsync(a, "alice@example.test", ["someone@b.test"], Message);
            Assert.True(await a.Server.GetOutboundQueue().WaitUntilEmptyAsync(TimeSpan.FromSeconds(10)));
        }

        Assert.Equal(2, received);
        Assert.Equal(2, remote.Connections);
    }

    [Fact]
    public async Task A_smart_host_gets_everything_over_starttls_with_auth()
    {
        var store = new MailKitServer.Storage.InMemory.InMemoryMessageStore();
        var users = new MailKitServer.Users.InMemory.InMemoryUserDirectory();
        users.AddUser("relay@smart.test", "relay-pw");
        users.AddUser("someone@b.test", "pw");
        await using var smart = await MailKitServer.Runtime.MailServer.CreateBuilder().UseStore(store).UseDirectory(users)
            .AddSmtp("submission", new IPEndPoint(RemoteAddress, 0), MailKitServer.Policy.SmtpRole.Submission).StartAsync();
        var port = smart.GetEndpoint("submission").EndPoint.Port;
        await using var a = await StartSenderAsync(25, new StaticDnsResolver(), o =>
        {
            o.SmartHost = $"[{RemoteAddress}]:{port}";
            o.SmartHostUserName = "relay@smart.test";
            o.SmartHostPassword = "relay-pw";
            o.ValidateSmartHostCertificate = false; // the test server's certificate is self-signed
        });
        await SubmitAsync(a, "alice@example.test", ["someone@b.test"], Message);
        var texts = await WaitForTextsAsync(store, "someone@b.test", 1);
        Assert.Contains("with ESMTPSA", Assert.Single(texts), StringComparison.Ordinal); // RFC 3848: TLS and AUTH
        Assert.True(await a.Server.GetOutboundQueue().WaitUntilEmptyAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Dsn_parameters_go_to_a_next_hop_that_offers_dsn()
    {
        var commands = new List<string>();
        await using var remote = ScriptedSmtpServer.Minimal(RemoteAddress, ["PIPELINING", "DSN", "SIZE 100000", "8BITMIME"], _ => { }, command: c => { lock (commands) { commands.Add(c); } });
        await using var a = await StartSenderAsync(remote.Port);
        await SubmitAsync(a, "alice@example.test", ["someone@b.test"], Message, " RET=HDRS ENVID=env+2B42 BODY=8BITMIME", " NOTIFY=SUCCESS,DELAY ORCPT=rfc822;orig@b.test");
        Assert.True(await a.Server.GetOutboundQueue().WaitUntilEmptyAsync(TimeSpan.FromSeconds(10)));
        Assert.Contains(commands, c => c.StartsWith("MAIL FROM:<alice@example.test> SIZE=", StringComparison.Ordinal) && c.EndsWith(" BODY=8BITMIME RET=HDRS ENVID=env+2B42", StringComparison.Ordinal));
        Assert.Contains("RCPT TO:<someone@b.test> NOTIFY=SUCCESS,DELAY ORCPT=rfc822;orig@b.test", commands);
        // A notice to a local sender would have been stored before the entry left the queue.
        Assert.Empty(await InboxTextsAsync(a.Store, "alice@example.test")); // the next hop reports success itself
    }

    [Fact]
    public async Task The_queue_can_be_retried_now_and_deleted_from()
    {
        await using var a = await StartSenderAsync(1, configure: o =>
        {
            o.RetrySchedule.Clear();
            o.RetrySchedule.Add(TimeSpan.FromHours(1));
        });
        var queue = a.Server.GetOutboundQueue();
        using var events = new QueueEvents(queue);
        await SubmitAsync(a, "alice@example.test", ["someone@b.test"], Message);
        await events.NextAsync("deferred");
        Assert.Equal(1, queue.List()[0].Attempts);
        var id = queue.List()[0].Id;
        Assert.True(queue.RetryNow(id));
        await events.NextAsync("deferred");
        Assert.Equal(2, queue.List()[0].Attempts);
        Assert.True(await queue.DeleteAsync(id));
        Assert.False(await queue.DeleteAsync(id));
        Assert.Empty(queue.List());
        Assert.Empty(await InboxTextsAsync(a.Store, "alice@example.test"));
    }

    private sealed class FailingDns : IDnsResolver
    {
        public ValueTask<DnsResult<MxRecord>> ResolveMxAsync(string domain, CancellationToken cancellationToken) =>
            ValueTask.FromResult(new DnsResult<MxRecord>(DnsStatus.TemporaryFailure, []) { Error = "name server answered SERVFAIL" });

        public ValueTask<DnsResult<IPAddress>> ResolveAddressesAsync(string host, CancellationToken cancellationToken) => ValueTask.FromResult(DnsResult<IPAddress>.TemporaryFailure);

        public ValueTask<DnsResult<string>> ResolveTxtAsync(string name, CancellationToken cancellationToken) => ValueTask.FromResult(DnsResult<string>.TemporaryFailure);

        public ValueTask<DnsResult<string>> ResolvePtrAsync(IPAddress address, CancellationToken cancellationToken) => ValueTask.FromResult(DnsResult<string>.TemporaryFailure);
    }
}
