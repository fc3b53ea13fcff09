using System.Net;
using System.Text;
using MailKitServer.Dns;
using MailKitServer.Runtime;
using MailKitServer.Smtp.Outbound;
using MailKitServer.Storage.InMemory;
using MailKitServer.TestSupport;
using MailKitServer.Users.InMemory;

namespace MailKitServer.Smtp.Tests.Outbound;

/// <summary>
/// Server A (the test server: alice@example.test submits) with outbound delivery, and DNS that sends b.test to
/// 127.0.0.2, where server B (someone@b.test) or a scripted server listens.
/// </summary>
internal static class OutboundHarness
{
    public static readonly IPAddress RemoteAddress = RemoteReceiver.Address;

    public static StaticDnsResolver StaticDns() => new StaticDnsResolver().AddMx("b.test", 10, "mx.b.test").AddAddress("mx.b.test", RemoteAddress);

    public static Task<TestMailServer> StartSenderAsync(int remotePort, IDnsResolver? dns = null, Action<OutboundOptions>? configure = null, MailKitServer.Smtp.Outbound.Queue.IQueueStore? store = null, TimeProvider? time = null) =>
        TestMailServer.StartAsync(configure: b => b.UseTimeProvider(time ?? TimeProvider.System).UseDnsResolver(dns ?? StaticDns()).AddOutboundDelivery(o =>
        {
            o.RemotePort = remotePort;
            o.RetrySchedule.Clear();
            o.RetrySchedule.Add(TimeSpan.FromMilliseconds(200));
            o.CommandTimeout = TimeSpan.FromSeconds(5);
            o.DataTimeout = TimeSpan.FromSeconds(5);
            o.DataEndTimeout = TimeSpan.FromSeconds(5);
            configure?.Invoke(o);
        }, store));

    /// <summary>Submits a message as alice over the submission port.</summary>
    public static async Task<string> SubmitAsync(TestMailServer server, string from, string[] to, string body, string mailParameters = "", string rcptParameters = "")
    {
        await using var client = await LineClient.ConnectAsync(server.Submission);
        await client.ReadReplyAsync();
        await client.CommandAsync("EHLO client.test");
        Assert.StartsWith("235", await client.CommandAsync("AUTH PLAIN " + Convert.ToBase64String(Encoding.ASCII.GetBytes("\0alice@example.test\0alice-pw"))), StringComparison.Ordinal);
        Assert.StartsWith("250", await client.CommandAsync($"MAIL FROM:<{from}>{mailParameters}"), StringComparison.Ordinal);
        foreach (var r in to)
        {
            Assert.StartsWith("250", await client.CommandAsync($"RCPT TO:<{r}>{rcptParameters}"), StringComparison.Ordinal);
        }

        Assert.StartsWith("354", await client.CommandAsync("DATA"), StringComparison.Ordinal);
        var reply = await client.CommandAsync(body.TrimEnd('\r', '\n') + "\r\n.");
        Assert.StartsWith("250", reply, StringComparison.Ordinal);
        return reply;
    }

    /// <summary>
    /// Waits until the condition holds, checked again after each thing the queue reports (20 s at most; the
    /// assertions that follow say what went wrong).
    /// </summary>
    public static async Task WaitUntilAsync(OutboundQueue queue, Func<bool> condition)
    {
        using var events = new QueueEvents(queue);
        try
        {
            await events.UntilAsync(condition);
        }
        catch (OperationCanceledException)
        {
        }
    }

    public static async Task<List<string>> InboxTextsAsync(InMemoryMessageStore store, string user)
    {
        await using var account = await store.OpenAccountAsync(user, default);
        await using var view = await account.OpenAsync("INBOX", readOnly: true, default);
        var texts = new List<string>();
        foreach (var m in view!.Messages)
        {
            await using var s = await view.OpenContentAsync(m.Uid, 0, null, default);
            using var reader = new StreamReader(s!);
            texts.Add(await reader.ReadToEndAsync());
        }

        return texts;
    }

    /// <summary>Waits until the user's INBOX holds <paramref name="count"/> messages (woken by the store's change feed).</summary>
    public static async Task<List<string>> WaitForTextsAsync(InMemoryMessageStore store, string user, int count, TimeSpan? timeout = null)
    {
        using var expired = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(20));
        await using var account = await store.OpenAccountAsync(user, default);
        await using var view = await account.OpenAsync("INBOX", readOnly: true, default);
        while (true)
        {
            var texts = await InboxTextsAsync(store, user);
            if (texts.Count >= count)
            {
                return texts;
            }

            try
            {
                await view!.Changes.ReadAsync(expired.Token);
            }
            catch (OperationCanceledException)
            {
                return await InboxTextsAsync(store, user);
            }
        }
    }
}
