using System.Globalization;
using System.Text;
using System.Text.Json;
using MailKitServer.TestSupport;

namespace MailKitServer.Imap.Tests.Structure;

/// <summary>
/// The answers Dovecot's imaptest expects in its MIME-structure groups (fetch-body-message-rfc822*, fetch-envelope,
/// fetch-binary-mime, fetch-binary-mime-qp), asked of our server by Python's imaplib: imaptest cannot run in CI, so
/// each behaviour it checks is pinned here with its own message and expected octets.
/// </summary>
public class MimeSectionFetchTests
{
    private const string Fetch = """
        import imaplib, json, re, sys
        port, path = int(sys.argv[1]), sys.argv[2]
        job = json.load(open(path))
        m = imaplib.IMAP4("127.0.0.1", port); m.login("alice@example.test", "alice-pw"); m.select("INBOX")
        typ, data = m.append("INBOX", None, None, job["message"].encode("latin-1"))
        assert typ == "OK", data
        uid = data[0].decode().split("APPENDUID")[1].split()[1].rstrip("]")
        out = {}
        for item in job["items"]:
            typ, resp = m.uid("FETCH", uid, "(" + item + ")")
            assert typ == "OK", (item, resp)
            if "[" in item and ".SIZE" not in item:
                out[item] = resp[0][1].decode("latin-1") if isinstance(resp[0], tuple) else None
            else:
                raw = b"".join(p[0] + b"\r\n" + p[1] if isinstance(p, tuple) else p for p in resp if p is not None).decode("latin-1")
                out[item] = re.sub(r"UID \d+ ?", "", raw[raw.index("(") + 1:raw.rindex(")")], count=1).strip()
        m.logout()
        print(json.dumps(out))
        """;

    private static async Task<Dictionary<string, string>> FetchAsync(string message, params string[] items)
    {
        await using var server = await TestMailServer.StartAsync();
        var path = Path.Combine(Path.GetTempPath(), $"mks-fetch-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(new { message = message.Replace("\n", "\r\n", StringComparison.Ordinal), items }));
        try
        {
            var r = await ExternalTool.PythonAsync(Fetch, server.Imap.Port.ToString(CultureInfo.InvariantCulture), path);
            Assert.True(r.ExitCode == 0, r.ToString());
            return JsonSerializer.Deserialize<Dictionary<string, string>>(r.Stdout)!;
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static string Crlf(string text) => text.Replace("\n", "\r\n", StringComparison.Ordinal);

    [Fact]
    public async Task A_message_rfc822_body_is_part_1_and_its_message_is_numbered_inside_it()
    {
        const string inner = "From: sub@domain.org\nDate: Sun, 12 Aug 2012 12:34:56 +0300\nSubject: submsg\n\nHello world\n";
        var got = await FetchAsync(
            "From: user@domain.org\nDate: Sat, 24 Mar 2007 23:00:00 +0200\nMime-Version: 1.0\nContent-Type: message/rfc822\n\n" + inner,
            "BODY.PEEK[TEXT]", "BODY.PEEK[1]", "BODY.PEEK[1.1]", "BODY.PEEK[1.HEADER]", "BODY.PEEK[1.HEADER.FIELDS (from subject X-foo)]", "BODY.PEEK[1.HEADER.FIELDS.NOT (from subject X-foo)]", "BODY.PEEK[1.TEXT]", "BODY.PEEK[1.2]");
        Assert.Equal(Crlf(inner), got["BODY.PEEK[TEXT]"]);
        Assert.Equal(Crlf(inner), got["BODY.PEEK[1]"]); // RFC 3501 §6.4.5: a non-multipart message has a part 1, its body
        Assert.Equal(Crlf("Hello world\n"), got["BODY.PEEK[1.1]"]);
        Assert.Equal(Crlf("From: sub@domain.org\nDate: Sun, 12 Aug 2012 12:34:56 +0300\nSubject: submsg\n\n"), got["BODY.PEEK[1.HEADER]"]);
        Assert.Equal(Crlf("From: sub@domain.org\nSubject: submsg\n\n"), got["BODY.PEEK[1.HEADER.FIELDS (from subject X-foo)]"]);
        Assert.Equal(Crlf("Date: Sun, 12 Aug 2012 12:34:56 +0300\n\n"), got["BODY.PEEK[1.HEADER.FIELDS.NOT (from subject X-foo)]"]);
        Assert.Equal(Crlf("Hello world\n"), got["BODY.PEEK[1.TEXT]"]);
        Assert.Equal(string.Empty, got["BODY.PEEK[1.2]"]); // a part that does not exist is an empty string
    }

    [Fact]
    public async Task Two_nested_message_rfc822_levels()
    {
        var got = await FetchAsync(
            "From: user@domain.org\nContent-Type: message/rfc822\n\nFrom: user2@domain.org\nMime-Version: 1.0\nContent-Type: message/rfc822\n\nFrom: sub@domain.org\nSubject: submsg\n\nHello world\n",
            "BODY.PEEK[1.1]", "BODY.PEEK[1.HEADER]", "BODY.PEEK[1.1.1]", "BODY.PEEK[1.1.HEADER]");
        Assert.Equal(Crlf("From: sub@domain.org\nSubject: submsg\n\nHello world\n"), got["BODY.PEEK[1.1]"]);
        Assert.Equal(Crlf("From: user2@domain.org\nMime-Version: 1.0\nContent-Type: message/rfc822\n\n"), got["BODY.PEEK[1.HEADER]"]);
        Assert.Equal(Crlf("Hello world\n"), got["BODY.PEEK[1.1.1]"]);
        Assert.Equal(Crlf("From: sub@domain.org\nSubject: submsg\n\n"), got["BODY.PEEK[1.1.HEADER]"]);
    }

    [Fact]
    public async Task A_digest_inside_a_message_rfc822_with_mime_headers_and_boundaries_with_trailing_space()
    {
        var got = await FetchAsync(
            "From: user@domain.org\nContent-Type: message/rfc822\n\nFrom: sub@domain.org\nSubject: submsg\nContent-Type: multipart/digest; boundary=\"foo\"\n\nprologue\n\n--foo \n\nFrom: m1@example.com\nSubject: m1\n\nm1 body\n\n--foo \nX-Mime: m2 header\n\nFrom: m2@example.com\nSubject: m2\n\nm2 body\n\n--foo--\n\nepilogue\n",
            "BODY.PEEK[1.1]", "BODY.PEEK[1.1.MIME]", "BODY.PEEK[1.1.HEADER]", "BODY.PEEK[1.1.TEXT]", "BODY.PEEK[1.2.MIME]", "BODY.PEEK[1.2.TEXT]");
        Assert.Equal(Crlf("From: m1@example.com\nSubject: m1\n\nm1 body\n"), got["BODY.PEEK[1.1]"]);
        Assert.Equal("\r\n", got["BODY.PEEK[1.1.MIME]"]);
        Assert.Equal(Crlf("From: m1@example.com\nSubject: m1\n\n"), got["BODY.PEEK[1.1.HEADER]"]);
        Assert.Equal(Crlf("m1 body\n"), got["BODY.PEEK[1.1.TEXT]"]);
        Assert.Equal(Crlf("X-Mime: m2 header\n\n"), got["BODY.PEEK[1.2.MIME]"]);
        Assert.Equal(Crlf("m2 body\n"), got["BODY.PEEK[1.2.TEXT]"]);
    }

    [Fact]
    public async Task The_crlf_before_a_boundary_is_taken_from_a_header_that_a_boundary_cuts_short()
    {
        // RFC 2046 §5.1.1: the CRLF before a boundary belongs to the boundary, also when it ends a part's header.
        var got = await FetchAsync(
            "From: a@b.test\nContent-Type: multipart/mixed; boundary=m\n\n--m\nContent-Type: text/plain\n--m\nContent-Type: text/plain\n\n--m\nContent-Type: message/rfc822\n\nFrom: inner@x.test\nSubject: cut\n--m--\n",
            "BODY.PEEK[1.MIME]", "BODY.PEEK[2.MIME]", "BODY.PEEK[2]", "BODY.PEEK[3]", "BODY.PEEK[3.HEADER]");
        Assert.Equal("Content-Type: text/plain", got["BODY.PEEK[1.MIME]"]);
        Assert.Equal("Content-Type: text/plain\r\n", got["BODY.PEEK[2.MIME]"]);
        Assert.Equal(string.Empty, got["BODY.PEEK[2]"]);
        Assert.Equal("From: inner@x.test\r\nSubject: cut\r\n", got["BODY.PEEK[3]"]); // the message/rfc822 part keeps it, as Dovecot does
        Assert.Equal("From: inner@x.test\r\nSubject: cut", got["BODY.PEEK[3.HEADER]"]);
    }

    [Fact]
    public async Task Envelope_names_from_a_comment_groups_routes_and_empty_sender()
    {
        var got = await FetchAsync(
            "Date: Thu, 15 Feb 2007 01:02:03 +0200\nFrom: user@domain (Real Name)\nTo: group: g1@d1.org, g2@d2.org;, group2: g3@d3.org;\nCc: group:;, group2: (foo) ;\nBcc: <@route:user@domain>\nSender: \nReply-To: \n\nbody\n",
            "ENVELOPE");
        Assert.Equal(
            "ENVELOPE (\"Thu, 15 Feb 2007 01:02:03 +0200\" NIL ((\"Real Name\" NIL \"user\" \"domain\")) ((\"Real Name\" NIL \"user\" \"domain\")) ((\"Real Name\" NIL \"user\" \"domain\")) "
            + "((NIL NIL \"group\" NIL)(NIL NIL \"g1\" \"d1.org\")(NIL NIL \"g2\" \"d2.org\")(NIL NIL NIL NIL)(NIL NIL \"group2\" NIL)(NIL NIL \"g3\" \"d3.org\")(NIL NIL NIL NIL)) "
            + "((NIL NIL \"group\" NIL)(NIL NIL NIL NIL)(NIL NIL \"group2\" NIL)(NIL NIL NIL NIL)) ((NIL \"@route\" \"user\" \"domain\")) NIL NIL)",
            got["ENVELOPE"]);
    }

    [Fact]
    public async Task Envelope_sends_latin1_header_octets_as_they_are_and_tidies_white_space()
    {
        var got = await FetchAsync("From: J\u00f6rg   Smith <j@x.test>\nSubject:  a   b\tc \n\nx\n", "ENVELOPE");
        var envelope = got["ENVELOPE"];
        Assert.Contains("\"a b c\"", envelope, StringComparison.Ordinal);
        Assert.Contains("{10}\r\nJ\u00f6rg Smith", envelope, StringComparison.Ordinal); // ten octets, 0xF6 one of them
    }

    [Fact]
    public async Task Binary_of_the_whole_message_keeps_its_header_and_of_a_quoted_printable_part_drops_trailing_white_space()
    {
        var message = "From: user@domain.org\nMime-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"foo\n bar\"\n\nRoot MIME prologue\n\n--foo bar\n"
            + "Content-Type: text/x-myown; charset=us-ascii\nContent-Transfer-Encoding: quoted-printable\n\n"
            + "hello  \nbar=\n\nfoo\t=\nbar\nfoo\t \t= \n=62\nfoo = \t\nbar\nfoo =\n=62\nfoo  \nbar=\n\nfoo_bar\n\n--foo bar--\nRoot MIME epilogue\n";
        var got = await FetchAsync(message, "BINARY.SIZE[1]", "BINARY.PEEK[1]", "BINARY.PEEK[1]<10.10>", "BINARY.PEEK[]", "BINARY.SIZE[]");
        const string decoded = "hello\r\nbar\r\nfoo\tbar\r\nfoo\t \tb\r\nfoo bar\r\nfoo b\r\nfoo\r\nbar\r\nfoo_bar\r\n";
        Assert.Equal("BINARY.SIZE[1] 65", got["BINARY.SIZE[1]"]);
        Assert.Equal(decoded, got["BINARY.PEEK[1]"]); // RFC 2045 §6.7 (3): white space at the end of an encoded line is deleted
        Assert.Equal(decoded.Substring(10, 10), got["BINARY.PEEK[1]<10.10>"]);

        // RFC 3516 §4.1: BINARY[] is the whole message; the part it decodes now says so in its header.
        var whole = got["BINARY.PEEK[]"];
        Assert.StartsWith("From: user@domain.org\r\n", whole, StringComparison.Ordinal);
        Assert.Contains("Content-Type: text/x-myown; charset=us-ascii\r\nContent-Transfer-Encoding: binary\r\n\r\n" + decoded + "\r\n--foo bar--", whole, StringComparison.Ordinal);
        Assert.Equal("BINARY.SIZE[] " + Encoding.Latin1.GetByteCount(whole).ToString(CultureInfo.InvariantCulture), got["BINARY.SIZE[]"]);
    }
}
