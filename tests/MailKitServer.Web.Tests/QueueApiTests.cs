using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MailKitServer.Dns;
using MailKitServer.Smtp.Outbound;
using MailKitServer.TestSupport;

namespace MailKitServer.Web.Tests;

public class QueueApiTests
{
    [Fact]
    public async Task Send_and_release_go_through_the_outbound_queue_which_the_api_lists_retries_and_deletes_with_events()
    {
        // b.test's MX is on 127.0.0.2, down at first; one try, then an hour's wait unless retried.
        var port = RemoteReceiver.FreePort();
        await using var server = await WebTestServer.StartAsync(configure: b => b
            .UseDnsResolver(new StaticDnsResolver().AddMx("b.test", 10, "mx.b.test").AddAddress("mx.b.test", RemoteReceiver.Address))
            .AddOutboundDelivery(o =>
            {
                o.RemotePort = port;
                o.RetrySchedule.Clear();
                o.RetrySchedule.Add(TimeSpan.FromHours(1));
            }));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var stream = await server.Http.GetAsync("/api/v1/events", HttpCompletionOption.ResponseHeadersRead, cts.Token);
        using var events = new ServerSentEventReader(await stream.Content.ReadAsStreamAsync(cts.Token));
        Assert.Equal("ready", (await events.ReadAsync(cts.Token)).Type);

        async Task<(string Id, string Change)> NextQueueEventAsync()
        {
            while (true)
            {
                var e = await events.ReadAsync(cts.Token);
                if (e.Type == "queue")
                {
                    var data = JsonDocument.Parse(e.Data).RootElement;
                    return (data.GetProperty("id").GetString()!, data.GetProperty("change").GetString()!);
                }
            }
        }

        async Task<string> SendAsync(string subject)
        {
            using var sent = await server.Http.PostAsJsonAsync("/api/v1/send", new { from = "alice@example.test", to = new[] { "someone@b.test" }, subject, text = "out" }, cts.Token);
            var result = await sent.Content.ReadFromJsonAsync<JsonElement>(cts.Token);
            Assert.Equal(["someone@b.test"], result.GetProperty("queued").EnumerateArray().Select(q => q.GetString()!).ToArray());
            return result.GetProperty("queueId").GetString()!;
        }

        var first = await SendAsync("first");
        Assert.Equal((first, "queued"), await NextQueueEventAsync());
        Assert.Equal((first, "deferred"), await NextQueueEventAsync());
        var second = await SendAsync("second");
        Assert.Equal((second, "queued"), await NextQueueEventAsync());
        Assert.Equal((second, "deferred"), await NextQueueEventAsync());

        var queue = await server.Http.GetFromJsonAsync<JsonElement>("/api/v1/queue", cts.Token);
        Assert.Equal([first, second], queue.EnumerateArray().Select(q => q.GetProperty("id").GetString()!).ToArray());
        var entry = queue[0];
        Assert.Equal(1, entry.GetProperty("attempts").GetInt32());
        Assert.Equal("alice@example.test", entry.GetProperty("from").GetString());
        Assert.Equal("someone@b.test", entry.GetProperty("recipients")[0].GetProperty("address").GetString());

        Assert.Equal(HttpStatusCode.NoContent, (await server.Http.DeleteAsync($"/api/v1/queue/{second}", cts.Token)).StatusCode);
        Assert.Equal((second, "deleted"), await NextQueueEventAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await server.Http.DeleteAsync($"/api/v1/queue/{second}", cts.Token)).StatusCode);

        // The remote comes up; "retry now" delivers without waiting the hour.
        await using var remote = await RemoteReceiver.StartAsync(port);
        Assert.Equal(HttpStatusCode.NoContent, (await server.Http.PostAsync($"/api/v1/queue/{first}/retry", null, cts.Token)).StatusCode);
        Assert.Equal((first, "delivered"), await NextQueueEventAsync());
        Assert.Equal(1, await remote.WaitForCountAsync(1));
        Assert.Equal(0, (await server.Http.GetFromJsonAsync<JsonElement>("/api/v1/queue", cts.Token)).GetArrayLength());

        // Release: a stored message relayed to a remote address as it is.
        await server.SendAsync(WebTestServer.Message("to be released"));
        var page = await server.Http.GetFromJsonAsync<JsonElement>("/api/v1/messages?query=subject:released", cts.Token);
        var id = page.GetProperty("messages")[0].GetProperty("id").GetString()!;
        using var released = await server.Http.PostAsJsonAsync($"/api/v1/messages/{id}/release", new { to = new[] { "someone@b.test" } }, cts.Token);
        Assert.True(released.IsSuccessStatusCode, await released.Content.ReadAsStringAsync(cts.Token));
        var queued = (await released.Content.ReadFromJsonAsync<JsonElement>(cts.Token)).GetProperty("queueId").GetString()!;
        Assert.Equal((queued, "queued"), await NextQueueEventAsync());
        Assert.Equal((queued, "delivered"), await NextQueueEventAsync());
        Assert.Equal(2, await remote.WaitForCountAsync(2));
        await using var account = await remote.Store.OpenAccountAsync("someone@b.test", default);
        await using var view = await account.OpenAsync("INBOX", true, default);
        await using var content = await view!.OpenContentAsync(view.Messages[^1].Uid, 0, null, default);
        Assert.Equal("to be released", (await MimeKit.MimeMessage.LoadAsync(content!)).Subject);

        using var none = await server.Http.PostAsJsonAsync($"/api/v1/messages/{id}/release", new { to = Array.Empty<string>() }, cts.Token);
        Assert.Equal(HttpStatusCode.BadRequest, none.StatusCode);
    }
}
