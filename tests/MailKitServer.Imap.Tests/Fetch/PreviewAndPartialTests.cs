using System.Text;
using MailKitServer.Imap.Fetch;
using MailKitServer.TestSupport;
using static MailKitServer.Imap.Tests.Session.ImapTestClient;

namespace MailKitServer.Imap.Tests.Fetch;

/// <summary>FETCH PREVIEW (RFC 8970) and the UID FETCH PARTIAL modifier (RFC 9394 §3.3) over the wire.</summary>
public sealed class PreviewAndPartialTests
{
    [Fact]
    public async Task Preview_is_the_decoded_first_text_part_and_lazy_answers_from_the_cache()
    {
        await using var server = await TestMailServer.StartAsync();
        await server.AppendAsync("alice@example.test", "Subject: qp\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nGr=C3=BC=C3=9Fe,\r\n\r\n  many   spaces=\r\n here\r\n");
        await server.AppendAsync("alice@example.test", "Subject: alt\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/html\r\nContent-Transfer-Encoding: base64\r\n\r\n" + Convert.ToBase64String(Encoding.UTF8.GetBytes("<html><head><title>t</title><style>p{}</style></head><body><p>Hello &amp; <b>welcome</b></p><script>x()</script></body></html>")) + "\r\n--b\r\nContent-Type: text/plain\r\nContent-Disposition: attachment\r\n\r\nnot this\r\n--b--\r\n");
        await server.AppendAsync("alice@example.test", "Subject: image\r\nContent-Type: image/png\r\n\r\nxxxx\r\n");
        await server.AppendAsync("alice@example.test", "Subject: long\r\n\r\n" + string.Concat(Enumerable.Repeat("abcdefghij ", 40)) + "\r\n");

        await using var client = await LoginAsync(server);
        Assert.Contains(" PREVIEW ", Assert.Single(await UntaggedAsync(client, "c CAPABILITY")), StringComparison.Ordinal);
        await TaggedAsync(client, "s SELECT INBOX");

        // LAZY before any preview was worked out: NIL (RFC 8970 §4.1); afterwards the cached one.
        Assert.Equal("* 1 FETCH (PREVIEW NIL)", Assert.Single(await UntaggedAsync(client, "l FETCH 1 (PREVIEW (LAZY))")));
        await client.SendAsync("p FETCH 1:4 (PREVIEW)\r\n");
        Assert.Equal("* 1 FETCH (PREVIEW {25}", await client.ReadLineAsync());
        Assert.Equal("Grüße, many spaces here)", await client.ReadLineAsync());
        Assert.Equal("* 2 FETCH (PREVIEW \"Hello & welcome\")", await client.ReadLineAsync());
        Assert.Equal("* 3 FETCH (PREVIEW \"\")", await client.ReadLineAsync());
        var long4 = await client.ReadLineAsync() ?? string.Empty;
        Assert.StartsWith("* 4 FETCH (PREVIEW \"abcdefghij abcdefghij", long4, StringComparison.Ordinal);
        Assert.Equal("* 4 FETCH (PREVIEW \"".Length + MessagePreview.MaxCharacters + 2, long4.Length);
        Assert.Equal("p OK FETCH completed", await client.ReadLineAsync());
        Assert.Equal("* 2 FETCH (UID 2 PREVIEW \"Hello & welcome\")", Assert.Single(await UntaggedAsync(client, "l UID FETCH 2 (PREVIEW (lazy))")));
        Assert.StartsWith("x BAD", await TaggedAsync(client, "x FETCH 1 (PREVIEW (EAGER))"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1:2", "1 2")]
    [InlineData("-1:-2", "4 5")]
    [InlineData("3:2", "2 3")]
    [InlineData("-6:-9", "")]
    [InlineData("4:100", "4 5")]
    public async Task Partial_picks_among_the_messages_the_uid_set_names(string range, string expectedUids)
    {
        await using var server = await TestMailServer.StartAsync();
        for (var i = 0; i < 5; i++)
        {
            await server.AppendAsync("alice@example.test", $"Subject: {i}\r\n\r\nx\r\n");
        }

        await using var client = await LoginAsync(server);
        Assert.Contains(" PARTIAL ", Assert.Single(await UntaggedAsync(client, "c CAPABILITY")), StringComparison.Ordinal);
        await TaggedAsync(client, "s SELECT INBOX");
        var lines = await UntaggedAsync(client, $"f UID FETCH 1:* (FLAGS) (PARTIAL {range})");
        Assert.Equal(expectedUids, string.Join(' ', lines.Select(l => l.Split(' ')[4])));
        Assert.StartsWith("x BAD", await TaggedAsync(client, "x FETCH 1:* (FLAGS) (PARTIAL 1:2)"), StringComparison.Ordinal);
        Assert.StartsWith("x BAD", await TaggedAsync(client, "x UID FETCH 1:* (FLAGS) (PARTIAL 1:-2)"), StringComparison.Ordinal);
    }

    [Fact]
    public void Preview_lazy_and_partial_parse_at_every_split()
    {
        WireTokens.ForEachSplit("a UID FETCH 1:* (UID PREVIEW (LAZY) FLAGS) (PARTIAL -1:-30 CHANGEDSINCE 98305)", args =>
        {
            Assert.True(FetchRequest.TryParse(args[2], args[3], uid: true, out var request, out var error), error);
            Assert.Equal([FetchItemKind.Uid, FetchItemKind.Preview, FetchItemKind.Flags, FetchItemKind.ModSeq], request.Items.Select(i => i.Kind));
            Assert.True(request.Items[1].Lazy);
            Assert.Equal(new MailKitServer.Imap.Search.PartialRange(-1, -30), request.Partial);
            Assert.Equal(98305UL, request.ChangedSince);
        });
    }
}
