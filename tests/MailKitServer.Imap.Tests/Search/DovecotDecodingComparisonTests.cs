using System.Text;
using MailKitServer.Storage;
using MailKitServer.Storage.Maildir;
using MailKitServer.TestSupport;
using static MailKitServer.Imap.Tests.Session.ImapTestClient;

namespace MailKitServer.Imap.Tests.Search;

/// <summary>
/// Issue 17: the decoders behind SEARCH and BINARY (RFC 2047 encoded words, RFC 5322 dates, base64 and
/// quoted-printable, charsets) judged against the reference. The same Maildir is served by us and by Dovecot; every
/// SEARCH below (probes chosen for the decoders' corners: words not delimited by white space, an unknown charset,
/// a UTF-8 character split over two words, unpadded and broken base64, folded adjacent words, obsolete and broken
/// dates) and every FETCH BINARY of a damaged transfer encoding must answer alike.
/// </summary>
public sealed class DovecotDecodingComparisonTests : IDisposable
{
    private static readonly string[] Headers =
    [
        "Subject: (=?ISO-8859-1?Q?caf=E9?= crème)",
        "Subject: abc=?utf-8?q?def?=ghi",
        "Subject: =?x-unknown-charset?q?xyzzy?=",
        "Subject: =?utf-8?q?=C3?= =?utf-8?q?=A9t=C3=A9?=",
        "Subject: =?utf-8?b?" + Convert.ToBase64String("padless"u8).TrimEnd('=') + "?=",
        "Subject: =?utf-8?q?space inside?=",
        "Subject: =?utf-8?q?fold?=\n =?utf-8?q?ed?=",
        "Subject: =?utf-8?b?!!!?= tail",
        "Subject: =?utf-8?q?=XYbadq?=",
        "Subject: =?utf-8?Q?under_score=5Fx?=",
        "Subject: =?KOI8-R?B?98HTyczJ?=",
        "Subject: =?windows-1252?Q?=80uro?=",
        "Subject: =?ISO-2022-JP?B?GyRCJUYlOSVIGyhC?=",
        "From: =?iso-8859-1?q?J=F6rg?= <j@x.test>",
        "Subject: Gr\u00fc\u00dfe latin",
        "Date: Fri, 01 Mar 124 10:00:00 +0000",
        "Date: Sat, 02 Mar 2024 25:00:00 +0000",
        "Date: Sun, 03 Mar 2024 10:00:00 +2500",
        "Date: Mon, 04 Mar 50 10:00:00 +0000",
        "Date: Tue, 05 Mar 2024 10:00:00 A",
        "Date: Wed, 06 Mar 2024 23:30:00 -0800",
        "Date: 13-Oct-95 12:00:00 PDT",
        "Date: Thu, 07 Mar 2024",
        "Date: not a date",
        "Date: Fri, 08 Mar 2024 10:00:00 CEST",
        "Date: Sat, 09 Mar 49 10:00:00 +0000",
        "Date: 10 Mar 2024 10:00 (comment) +0100",
    ];

    private static readonly (string ContentHeaders, string Body)[] Bodies =
    [
        ("Content-Transfer-Encoding: base64", Convert.ToBase64String("unpadbody!"u8).TrimEnd('=')),
        ("Content-Transfer-Encoding: base64", Convert.ToBase64String("first"u8) + "\r\n" + Convert.ToBase64String("second"u8)),
        ("Content-Transfer-Encoding: base64", "Z2Fy!!Ym\r\nxlZA=="),
        ("Content-Transfer-Encoding: quoted-printable", "trail  \r\nnext=20\r\nsoft =\r\nbreak"),
        ("Content-Transfer-Encoding: quoted-printable", "bad =ZZ escape=4"),
        ("Content-Transfer-Encoding: quoted-printable\r\nContent-Type: text/plain; charset=iso-8859-1", "Gr=FC=DFe qp"),
        ("Content-Type: text/plain; charset=iso-8859-1", "Stra\u00dfe latin"),
        ("Content-Type: text/plain; charset=x-unknown", "Unkn\u00f6wn charset"),
        ("Content-Type: text/plain; charset=koi8-r\r\nContent-Transfer-Encoding: base64", "98HTyczJ"),
    ];

    private static readonly string[] Searches =
    [
        "SUBJECT café", "SUBJECT crème", "SUBJECT \"=?ISO\"", "SUBJECT abcdefghi", "SUBJECT \"abc=?\"", "SUBJECT xyzzy",
        "SUBJECT x-unknown", "SUBJECT été", "SUBJECT padless", "SUBJECT \"space inside\"", "SUBJECT folded",
        "SUBJECT \"fold ed\"", "SUBJECT !!!", "SUBJECT tail", "SUBJECT =XYbadq", "SUBJECT \"under score_x\"",
        "SUBJECT Васили", "SUBJECT €uro", "SUBJECT テスト", "FROM Jörg", "SUBJECT Grüße", "SUBJECT latin",
        "SENTON 1-Mar-2024", "SENTON 1-Mar-0124", "SENTON 2-Mar-2024", "SENTON 3-Mar-2024", "SENTON 4-Mar-1950",
        "SENTON 4-Mar-2050", "SENTON 5-Mar-2024", "SENTON 6-Mar-2024", "SENTON 7-Mar-2024", "SENTON 13-Oct-1995",
        "SENTON 8-Mar-2024", "SENTON 9-Mar-2049", "SENTON 9-Mar-1949", "SENTON 10-Mar-2024", "SENTBEFORE 1-Jan-1980",
        "SENTSINCE 1-Jan-2000", "NOT SENTSINCE 1-Jan-1900",
        "BODY unpadbody!", "BODY unpadbo", "BODY second", "BODY first", "BODY garbled", "BODY \"trail next\"",
        "BODY \"soft break\"", "BODY \"=ZZ escape\"", "BODY Grüße", "BODY Straße", "BODY Unknöwn", "BODY Unkn", "BODY Васили", "TEXT xyzzy",
        "TEXT application/x-quuxdata", "BODY application/x-quuxdata", "TEXT quuxnested", "BODY quuxnested", "TEXT quuxouter",
    ];

    private const string Latin1Header = "8-bit header octets that are not UTF-8 are read as Latin-1, as MimeKit's parser reads them by default, so a person can find what the sender's old mailer wrote; Dovecot drops them (RFC 6532 gives them no meaning).";
    private const string UnknownCharset = "RFC 2047 §6.2 (a): a word in a charset we do not know is shown as it stands, so its text is found; Dovecot drops it.";
    private const string LenientDate = "SENT* compare the day only (RFC 3501 §6.4.4); this Date gives its day but has a broken or missing time or the dd-Mon-yy form, which MimeKit's DateUtils accepts and Dovecot refuses.";
    private const string NoSentDate = "A message whose Date is missing or unreadable has no sent date and matches no SENT* key (RFC 3501 §6.4.4 defines them by the Date header); Dovecot takes it as 1 Jan 1970.";
    private const string Base64Damage = "RFC 2045 §6.8: characters outside the base64 alphabet are ignored and a \"=\" ends the data; Dovecot refuses to decode (NO), or fails on unpadded base64 (BYE, internal error).";

    /// <summary>Where we answer differently on purpose, and why. The test fails when one of these stops differing.</summary>
    private static readonly Dictionary<string, string> AcceptedDifferences = new()
    {
        ["UID SEARCH SUBJECT crème"] = Latin1Header,
        ["UID SEARCH SUBJECT Grüße"] = Latin1Header,
        ["UID SEARCH BODY Unknöwn"] = "A text part in a charset we do not know is read as UTF-8 when valid, else Latin-1, so every octet stays findable; Dovecot drops what is not UTF-8.",
        ["UID SEARCH SUBJECT xyzzy"] = UnknownCharset,
        ["UID SEARCH SUBJECT x-unknown"] = UnknownCharset,
        ["UID SEARCH TEXT xyzzy"] = UnknownCharset,
        ["UID SEARCH SENTON 2-Mar-2024"] = LenientDate,
        ["UID SEARCH SENTON 7-Mar-2024"] = LenientDate,
        ["UID SEARCH SENTON 13-Oct-1995"] = LenientDate,
        ["UID SEARCH SENTSINCE 1-Jan-2000"] = LenientDate,
        ["UID SEARCH SENTBEFORE 1-Jan-1980"] = NoSentDate,
        ["UID SEARCH NOT SENTSINCE 1-Jan-1900"] = NoSentDate,
        ["UID SEARCH BODY garbled"] = Base64Damage,
        ["UID FETCH 28 (BINARY.PEEK[1] BINARY.SIZE[1])"] = Base64Damage,
        ["UID FETCH 29 (BINARY.PEEK[1] BINARY.SIZE[1])"] = Base64Damage,
        ["UID FETCH 30 (BINARY.PEEK[1] BINARY.SIZE[1])"] = Base64Damage,
        ["UID FETCH 32 (BINARY.PEEK[1] BINARY.SIZE[1])"] = "RFC 2045 §6.7 note (2): an \"=\" not followed by two hex digits is kept as it stands; Dovecot refuses to decode (NO).",
    };

    private readonly string _root = Directory.CreateTempSubdirectory("mks-decodecmp-").FullName;

    public void Dispose() => TempDirectories.Delete(_root);

    [Fact]
    public async Task Search_and_binary_decode_like_dovecot()
    {
        var store = new MaildirMessageStore(new MaildirStoreOptions { Root = _root });
        var messageCount = await SeedAsync(store);
        var commands = Searches.Select(s => "UID SEARCH " + s)
            .Concat(Enumerable.Range(Headers.Length + 1, Bodies.Length).Select(uid => $"UID FETCH {uid} (BINARY.PEEK[1] BINARY.SIZE[1])"))
            .ToArray();

        List<string> ours;
        await using (var server = await TestMailServer.StartAsync(configure: b => b.UseStore(store)))
        {
            ours = await RunAsync(() => LoginAsync(server), commands);
        }

        await using var dovecot = await Dovecot.StartOnStoreAsync(_root, "alice@example.test");
        var theirs = await RunAsync(
            async () =>
            {
                var reference = await LineClient.ConnectAsync(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, dovecot.Port));
                await reference.ReadLineAsync();
                Assert.StartsWith("a OK", await TaggedAsync(reference, "a LOGIN u p"), StringComparison.Ordinal);
                return reference;
            },
            commands);

        Assert.Equal(Headers.Length + Bodies.Length + 1, messageCount);
        var differing = Enumerable.Range(0, commands.Length).Where(i => theirs[i] != ours[i]).ToList();
        var unexpected = differing.Where(i => !AcceptedDifferences.ContainsKey(commands[i]))
            .Select(i => $"{commands[i]}\n dovecot: {theirs[i]}\n ours:    {ours[i]}").ToList();
        Assert.True(unexpected.Count == 0, string.Join("\n", unexpected));
        var stale = AcceptedDifferences.Keys.Except(differing.Select(i => commands[i])).ToList();
        Assert.True(stale.Count == 0, "Accepted differences that no longer occur (remove them): " + string.Join(", ", stale));

        // The cases Dovecot and we agree on, which MimeKit's decoders would answer differently (see the file
        // comments of EncodedWords and TransferDecoding): an unpadded B word, an unpadded base64 body, a UTF-8
        // character split over two words, text after a base64 "=" pad, white space at the end of a QP line.
        foreach (var command in new[] { "UID SEARCH SUBJECT padless", "UID SEARCH BODY unpadbody!", "UID FETCH 31 (BINARY.PEEK[1] BINARY.SIZE[1])" })
        {
            Assert.Equal(theirs[Array.IndexOf(commands, command)], ours[Array.IndexOf(commands, command)]);
        }

        Assert.Equal("* SEARCH | OK", ours[Array.IndexOf(commands, "UID SEARCH SUBJECT été")]);
        Assert.Equal("* SEARCH | OK", ours[Array.IndexOf(commands, "UID SEARCH BODY second")]);
        var nested = $"* SEARCH {messageCount} | OK";
        Assert.Equal(nested, ours[Array.IndexOf(commands, "UID SEARCH TEXT quuxnested")]);
        Assert.Equal(nested, ours[Array.IndexOf(commands, "UID SEARCH TEXT application/x-quuxdata")]);
        Assert.Equal("* SEARCH | OK", ours[Array.IndexOf(commands, "UID SEARCH BODY quuxnested")]);
        Assert.Contains("BINARY[1] {26} | trail | next  | soft break", ours[Array.IndexOf(commands, "UID FETCH 31 (BINARY.PEEK[1] BINARY.SIZE[1])")], StringComparison.Ordinal);
    }

    private static async Task<List<string>> RunAsync(Func<Task<LineClient>> connect, string[] commands)
    {
        var answers = new List<string>();
        var client = await connect();
        try
        {
            Assert.StartsWith("s OK", await TaggedAsync(client, "s EXAMINE INBOX"), StringComparison.Ordinal);
            foreach (var command in commands)
            {
                var untagged = new List<string>();
                string tagged;
                try
                {
                    var literal = Encoding.UTF8.GetByteCount(command) != command.Length;
                    tagged = literal ? await SearchWithCharsetAsync(client, command, untagged) : await TaggedAsync(client, "c " + command, untagged);
                    tagged = tagged.Split(' ')[1];
                }
                catch (IOException)
                {
                    // The server closed the connection (an answer too): note it and go on with a new one.
                    tagged = "(closed)";
                    await client.DisposeAsync();
                    client = await connect();
                    Assert.StartsWith("s OK", await TaggedAsync(client, "s EXAMINE INBOX"), StringComparison.Ordinal);
                }

                // RFC 3516 §4.3: octets without NUL SHOULD come as a plain string, as we send them; Dovecot sends
                // literal8 for every decoded part. Not a decoding matter: compare the octets only.
                answers.Add(string.Join(" | ", untagged.Where(l => !l.StartsWith("* OK", StringComparison.Ordinal)).Append(tagged)).Replace("~{", "{", StringComparison.Ordinal));
            }
        }
        finally
        {
            await client.DisposeAsync();
        }

        return answers;
    }

    private static async Task<string> SearchWithCharsetAsync(LineClient client, string command, List<string> untagged)
    {
        // Non-ASCII probes go as a UTF-8 literal after CHARSET UTF-8 (RFC 3501 §6.4.4).
        var space = command.LastIndexOf(' ');
        var head = command[..space].Replace("UID SEARCH ", "UID SEARCH CHARSET UTF-8 ", StringComparison.Ordinal);
        var probe = Encoding.UTF8.GetBytes(command[(space + 1)..]);
        await client.SendAsync($"c {head} {{{probe.Length}}}\r\n");
        Assert.StartsWith("+", await client.ReadLineAsync(), StringComparison.Ordinal);
        await client.SendAsync([.. probe, .. "\r\n"u8.ToArray()]);
        while (true)
        {
            var line = await client.ReadLineAsync() ?? throw new IOException("closed");
            if (line.StartsWith("c ", StringComparison.Ordinal))
            {
                return line;
            }

            untagged.Add(line);
        }
    }

    private static async Task<int> SeedAsync(MaildirMessageStore store)
    {
        await using var account = await store.OpenAccountAsync("alice@example.test", default);
        var arrived = new DateTimeOffset(2024, 3, 1, 0, 0, 0, TimeSpan.Zero);
        var n = 0;
        async Task AppendAsync(string message)
        {
            var bytes = Encoding.Latin1.GetBytes(message.Replace("\r\n", "\n", StringComparison.Ordinal).Replace("\n", "\r\n", StringComparison.Ordinal));
            var result = await account.AppendAsync("INBOX", new MemoryStream(bytes), SystemFlags.None, [], arrived.AddMinutes(n++), default);
            Assert.True(result.Succeeded);
        }

        foreach (var header in Headers)
        {
            await AppendAsync($"{header}\nMessage-ID: <h{n}@x.test>\n\nbody {n}\n");
        }

        foreach (var (contentHeaders, body) in Bodies)
        {
            await AppendAsync($"Subject: body {n}\nMIME-Version: 1.0\n{contentHeaders}\n\n{body}\n");
        }

        // TEXT searches the header of every part (a MIME part's, an attached message's); BODY neither.
        await AppendAsync("Subject: quuxouter\nDate: Mon, 01 Apr 2024 10:00:00 +0000\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n"
            + "--b\nContent-Type: text/plain\n\nplain words\n--b\nContent-Type: application/x-quuxdata\n\nAAAA\n"
            + "--b\nContent-Type: message/rfc822\n\nSubject: quuxnested\nFrom: inner@x.test\n\ninner words\n--b--\n");

        return n;
    }
}
