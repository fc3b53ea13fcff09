using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MimeKit;

namespace MailKitServer.Web.Tests;

public class MessageApiTests
{
    private static async Task<JsonElement> GetJsonAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(path);
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static string[] Subjects(JsonElement page) => page.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("subject").GetString()!).ToArray();

    [Fact]
    public async Task A_message_sent_over_smtp_is_listed_and_shown_with_headers_bodies_parts_and_raw_source()
    {
        await using var server = await WebTestServer.StartAsync();
        var message = WebTestServer.Message("Quarterly report", html: "<p>See <img src=\"cid:logo@x\"> the <b>figures</b></p>");
        var builder = new BodyBuilder { TextBody = "Plain figures.", HtmlBody = "<p>See <img src=\"cid:logo@x\"> the <b>figures</b></p>" };
        var logo = builder.LinkedResources.Add("logo.png", new byte[] { 0x89, 0x50, 0x4E, 0x47, 1, 2, 3 }, new ContentType("image", "png"));
        logo.ContentId = "logo@x";
        var attachment = Enumerable.Range(0, 5000).Select(i => (byte)(i * 7)).ToArray();
        builder.Attachments.Add("../../etc/passwd", attachment, new ContentType("application", "octet-stream"));
        message.Body = builder.ToMessageBody();
        await server.SendAsync(message);

        var page = await GetJsonAsync(server.Http, "/api/v1/messages");
        Assert.Equal(1, page.GetProperty("total").GetInt32());
        var summary = page.GetProperty("messages")[0];
        Assert.Equal("Quarterly report", summary.GetProperty("subject").GetString());
        Assert.Equal("alice@example.test", summary.GetProperty("user").GetString());
        Assert.Equal("sender@remote.test", summary.GetProperty("from").GetString());
        Assert.False(summary.GetProperty("read").GetBoolean());
        var id = summary.GetProperty("id").GetString()!;

        var detail = await GetJsonAsync(server.Http, $"/api/v1/messages/{id}");
        Assert.Equal("Plain figures.", detail.GetProperty("text").GetString()!.Trim());
        Assert.True(detail.GetProperty("hasHtml").GetBoolean());
        Assert.Contains(detail.GetProperty("headers").EnumerateArray(), h => h.GetProperty("name").GetString() == "Subject" && h.GetProperty("value").GetString() == "Quarterly report");
        var parts = detail.GetProperty("parts").EnumerateArray().ToList();
        var file = parts.Single(p => p.GetProperty("isAttachment").GetBoolean());
        // Path traversal in the attachment's name: only the last segment is offered.
        Assert.Equal("passwd", file.GetProperty("fileName").GetString());
        Assert.Equal(attachment.Length, file.GetProperty("size").GetInt32());
        var inline = parts.Single(p => p.GetProperty("contentId").ValueKind == JsonValueKind.String);
        Assert.Equal("logo@x", inline.GetProperty("contentId").GetString());

        using (var download = await server.Http.GetAsync($"/api/v1/messages/{id}/parts/{file.GetProperty("index").GetInt32()}"))
        {
            Assert.Equal(attachment, await download.Content.ReadAsByteArrayAsync());
            Assert.Equal("attachment", download.Content.Headers.ContentDisposition!.DispositionType);
            Assert.Equal("passwd", download.Content.Headers.ContentDisposition.FileNameStar ?? download.Content.Headers.ContentDisposition.FileName);
            Assert.Equal("application/octet-stream", download.Content.Headers.ContentType!.MediaType);
        }

        // The HTML body: cid: pointed at the part, and a policy that runs no script and loads nothing remote.
        using (var html = await server.Http.GetAsync($"/api/v1/messages/{id}/html"))
        {
            var body = await html.Content.ReadAsStringAsync();
            Assert.Contains($"/api/v1/messages/{id}/cid/logo%40x", body, StringComparison.Ordinal);
            var csp = html.Headers.GetValues("Content-Security-Policy").Single();
            Assert.Contains("sandbox", csp, StringComparison.Ordinal);
            Assert.Contains("default-src 'none'", csp, StringComparison.Ordinal);
            Assert.DoesNotContain("script-src", csp, StringComparison.Ordinal);
        }

        using (var image = await server.Http.GetAsync($"/api/v1/messages/{id}/cid/logo%40x"))
        {
            Assert.Equal("image/png", image.Content.Headers.ContentType!.MediaType);
            Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 1, 2, 3 }, await image.Content.ReadAsByteArrayAsync());
        }

        // The raw source is the stored message, octet for octet.
        var stored = (await server.Mail.InboxAsync("alice@example.test")).Single();
        using (var raw = await server.Http.GetAsync($"/api/v1/messages/{id}/raw?download=true"))
        {
            Assert.Equal(stored, await raw.Content.ReadAsByteArrayAsync());
            Assert.Equal("message/rfc822", raw.Content.Headers.ContentType!.MediaType);
        }

        // Reading never marked it read (no GET changes state); the POST does, and back.
        Assert.False((await GetJsonAsync(server.Http, $"/api/v1/messages/{id}")).GetProperty("summary").GetProperty("read").GetBoolean());
        Assert.Equal(HttpStatusCode.NoContent, (await server.Http.PostAsync($"/api/v1/messages/{id}/read", null)).StatusCode);
        Assert.True((await GetJsonAsync(server.Http, $"/api/v1/messages/{id}")).GetProperty("summary").GetProperty("read").GetBoolean());
        Assert.Equal(HttpStatusCode.NoContent, (await server.Http.PostAsync($"/api/v1/messages/{id}/unread", null)).StatusCode);
        Assert.False((await GetJsonAsync(server.Http, $"/api/v1/messages/{id}")).GetProperty("summary").GetProperty("read").GetBoolean());

        // IMAP sees the same mailbox: the API's delete is the store's.
        Assert.Equal(HttpStatusCode.NoContent, (await server.Http.DeleteAsync($"/api/v1/messages/{id}")).StatusCode);
        Assert.Empty(await server.Mail.InboxAsync("alice@example.test"));
        Assert.Equal(HttpStatusCode.NotFound, (await server.Http.GetAsync($"/api/v1/messages/{id}")).StatusCode);
    }

    [Fact]
    public async Task Lists_page_newest_first_per_user_and_across_all_mail()
    {
        await using var server = await WebTestServer.StartAsync();
        for (var i = 0; i < 12; i++)
        {
            await server.SendAsync(WebTestServer.Message($"m{i:D2}", to: i % 3 == 0 ? "bob@example.test" : "alice@example.test"));
        }

        var first = await GetJsonAsync(server.Http, "/api/v1/messages?limit=5");
        Assert.Equal(12, first.GetProperty("total").GetInt32());
        Assert.True(first.GetProperty("more").GetBoolean());
        Assert.Equal(["m11", "m10", "m09", "m08", "m07"], Subjects(first));
        var last = await GetJsonAsync(server.Http, "/api/v1/messages?limit=5&start=10");
        Assert.Equal(["m01", "m00"], Subjects(last));
        Assert.False(last.GetProperty("more").GetBoolean());

        var bob = await GetJsonAsync(server.Http, "/api/v1/messages?user=bob@example.test");
        Assert.Equal(["m09", "m06", "m03", "m00"], Subjects(bob));
        var inbox = await GetJsonAsync(server.Http, "/api/v1/messages?user=alice@example.test&mailbox=INBOX&limit=100");
        Assert.Equal(8, inbox.GetProperty("total").GetInt32());

        var users = await GetJsonAsync(server.Http, "/api/v1/users");
        Assert.Equal(["alice@example.test", "bob@example.test"], users.EnumerateArray().Select(u => u.GetString()!).ToArray());
        var mailboxes = await GetJsonAsync(server.Http, "/api/v1/users/bob@example.test/mailboxes");
        var bobInbox = mailboxes.EnumerateArray().Single(m => m.GetProperty("name").GetString() == "INBOX");
        Assert.Equal(4, bobInbox.GetProperty("messages").GetInt32());
        Assert.Equal(4, bobInbox.GetProperty("unread").GetInt32());

        // A page is never larger than the options allow.
        var capped = await GetJsonAsync(server.Http, "/api/v1/messages?limit=100000");
        Assert.Equal(12, capped.GetProperty("messages").GetArrayLength());
    }

    [Fact]
    public async Task Search_by_sender_recipient_subject_text_and_state()
    {
        await using var server = await WebTestServer.StartAsync();
        await server.SendAsync(WebTestServer.Message("Invoice 42", from: "billing@shop.test", text: "Total due: 17 EUR"));
        await server.SendAsync(WebTestServer.Message("Lunch?", to: "bob@example.test", from: "carol@remote.test", text: "Pizza at noon"));
        await server.SendAsync(WebTestServer.Message("Invoice 43", from: "billing@shop.test", to: "bob@example.test", text: "Total due: 99 EUR"));

        async Task<string[]> Search(string query) => Subjects(await GetJsonAsync(server.Http, "/api/v1/messages?query=" + Uri.EscapeDataString(query)));

        Assert.Equal(["Invoice 43", "Invoice 42"], await Search("from:billing@shop.test"));
        Assert.Equal(["Invoice 43", "Lunch?"], await Search("to:bob@example.test"));
        Assert.Equal(["Invoice 42"], await Search("subject:invoice to:alice"));
        Assert.Equal(["Lunch?"], await Search("pizza"));
        Assert.Equal(["Invoice 43"], await Search("\"99 EUR\""));
        Assert.Empty(await Search("from:nobody@x.test"));
        Assert.Equal(3, (await Search("is:unread")).Length);
        Assert.Equal(3, (await Search($"after:{DateTime.UtcNow.AddDays(-1):yyyy-MM-dd}")).Length);
        Assert.Empty(await Search($"before:{DateTime.UtcNow.AddDays(-1):yyyy-MM-dd}"));

        // A search pages too: the first match only, and "more" says another follows.
        var paged = await GetJsonAsync(server.Http, "/api/v1/messages?limit=1&query=" + Uri.EscapeDataString("from:billing"));
        Assert.Equal(["Invoice 43"], Subjects(paged));
        Assert.True(paged.GetProperty("more").GetBoolean());
    }

    [Theory]
    [InlineData("/api/v1/messages?query=after:yesterday", HttpStatusCode.BadRequest)]
    [InlineData("/api/v1/messages?query=is:maybe", HttpStatusCode.BadRequest)]
    [InlineData("/api/v1/messages?limit=0", HttpStatusCode.BadRequest)]
    [InlineData("/api/v1/messages?start=-1", HttpStatusCode.BadRequest)]
    [InlineData("/api/v1/messages/not-an-id", HttpStatusCode.NotFound)]
    [InlineData("/api/v1/messages/Li4vLi4vZXRjL3Bhc3N3ZApJTkJPWAoxCjE", HttpStatusCode.NotFound)]
    [InlineData("/api/v1/messages/%00/raw", HttpStatusCode.BadRequest)]
    [InlineData("/api/v1/users/nobody@example.test/mailboxes", HttpStatusCode.NotFound)]
    public async Task Bad_requests_get_clear_errors(string path, HttpStatusCode expected)
    {
        await using var server = await WebTestServer.StartAsync();
        using var response = await server.Http.GetAsync(path);
        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task A_query_longer_than_the_limit_is_refused()
    {
        await using var server = await WebTestServer.StartAsync();
        using var response = await server.Http.GetAsync("/api/v1/messages?query=" + new string('a', 1001));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("longer than 1000", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Purge_empties_one_user_or_all_mail()
    {
        await using var server = await WebTestServer.StartAsync();
        await server.SendAsync(WebTestServer.Message("a1"));
        await server.SendAsync(WebTestServer.Message("b1", to: "bob@example.test"));
        await server.SendAsync(WebTestServer.Message("b2", to: "bob@example.test"));

        using var one = await server.Http.DeleteAsync("/api/v1/messages?user=bob@example.test");
        Assert.Equal(2, (await one.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("removed").GetInt32());
        Assert.Equal(["a1"], Subjects(await GetJsonAsync(server.Http, "/api/v1/messages")));
        using var all = await server.Http.DeleteAsync("/api/v1/messages");
        Assert.Equal(1, (await all.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("removed").GetInt32());
        Assert.Empty(await server.Mail.InboxAsync("alice@example.test"));
    }

    [Fact]
    public async Task Users_can_be_added_and_removed_where_the_directory_is_writable()
    {
        await using var server = await WebTestServer.StartAsync();
        using var added = await server.Http.PostAsJsonAsync("/api/v1/users", new { address = "dave@example.test", password = "dave-pw" });
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        Assert.Contains("dave@example.test", (await GetJsonAsync(server.Http, "/api/v1/users")).EnumerateArray().Select(u => u.GetString()));

        // The new user receives mail and logs in over IMAP with the password given to the API.
        await server.SendAsync(WebTestServer.Message("welcome", to: "dave@example.test"));
        using (var imap = new MailKit.Net.Imap.ImapClient())
        {
            await imap.ConnectAsync(server.Mail.Imap.Address.ToString(), server.Mail.Imap.Port, MailKit.Security.SecureSocketOptions.None);
            await imap.AuthenticateAsync("dave@example.test", "dave-pw");
            await imap.Inbox.OpenAsync(MailKit.FolderAccess.ReadOnly);
            Assert.Equal(1, imap.Inbox.Count);
        }

        Assert.Equal(HttpStatusCode.NoContent, (await server.Http.DeleteAsync("/api/v1/users/dave@example.test")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await server.Http.DeleteAsync("/api/v1/users/dave@example.test")).StatusCode);
        using var bad = await server.Http.PostAsJsonAsync("/api/v1/users", new { address = "not an address", password = "x" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task Send_composes_a_message_for_local_mailboxes_and_the_openapi_document_lists_the_routes()
    {
        await using var server = await WebTestServer.StartAsync();
        using var sent = await server.Http.PostAsJsonAsync("/api/v1/send", new { from = "app@example.test", to = new[] { "bob@example.test" }, subject = "From the API", text = "Body text", html = "<p>Body</p>" });
        Assert.True(sent.IsSuccessStatusCode, await sent.Content.ReadAsStringAsync());
        var result = await sent.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(["bob@example.test"], result.GetProperty("delivered").EnumerateArray().Select(d => d.GetString()!).ToArray());
        var stored = MimeMessage.Load(new MemoryStream((await server.Mail.InboxAsync("bob@example.test")).Single()));
        Assert.Equal("From the API", stored.Subject);
        Assert.Equal("Body text", stored.TextBody!.Trim());

        using var bad = await server.Http.PostAsJsonAsync("/api/v1/send", new { from = "nope", to = Array.Empty<string>() });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);

        var openapi = await GetJsonAsync(server.Http, "/openapi/v1.json");
        var paths = openapi.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        foreach (var path in new[] { "/api/v1/messages", "/api/v1/messages/{id}", "/api/v1/messages/{id}/raw", "/api/v1/events", "/api/v1/queue", "/api/v1/send", "/metrics", "/livez", "/readyz" })
        {
            Assert.Contains(path, paths);
        }
    }

    [Fact]
    public async Task A_huge_mailbox_is_listed_a_page_at_a_time()
    {
        await using var server = await WebTestServer.StartAsync();
        // 300 messages straight into the store (as IMAP APPEND would), each 64 KiB.
        await using (var account = await server.Mail.Store.OpenAccountAsync("alice@example.test", default))
        {
            var body = new string('x', 64 * 1024);
            for (var i = 0; i < 300; i++)
            {
                var text = $"From: a@b.test\r\nTo: alice@example.test\r\nSubject: bulk {i:D3}\r\n\r\n{body}\r\n";
                await account.AppendAsync("INBOX", new MemoryStream(Encoding.ASCII.GetBytes(text)), Storage.SystemFlags.None, [], DateTimeOffset.UnixEpoch.AddMinutes(i), default);
            }
        }

        var page = await GetJsonAsync(server.Http, "/api/v1/messages?limit=3&start=1");
        Assert.Equal(300, page.GetProperty("total").GetInt32());
        Assert.Equal(["bulk 298", "bulk 297", "bulk 296"], Subjects(page));
        var search = await GetJsonAsync(server.Http, "/api/v1/messages?limit=2&query=subject:bulk");
        Assert.Equal(["bulk 299", "bulk 298"], Subjects(search));
        Assert.True(search.GetProperty("more").GetBoolean());
    }
}
