using System.Text;
using System.Text.Json;
using MailKitServer.Imap.Structure;
using MailKitServer.TestSupport;

namespace MailKitServer.Imap.Tests.Structure;

/// <summary>
/// Our ENVELOPE, BODY and BODYSTRUCTURE against Dovecot's for the same messages: each message is APPENDed to a
/// Dovecot (Debian dovecot-imapd) started on a loopback port, FETCHed, and both answers are parsed and compared.
/// </summary>
public class DovecotComparisonTests
{
    // Differences where our answer is the one the RFCs ask for. Key: "message:item:path".
    private static readonly Dictionary<string, string> AcceptedDifferences = new()
    {
        // Dovecot refuses to APPEND an empty message; the parser's handling of it is tested on its own.
        ["REFUSED:empty"] = "Dovecot: NO [...] Can't save a zero byte message",

        // Dovecot counts a bare LF as CRLF because it serves bare LFs as CRLF; we serve the octets as stored, and
        // RFC 3501 §7.4.2 body-fld-octets must equal what BODY[1] returns: 17 octets here.
        ["lf-only:BODY:.0.6"] = "bare LF counted as CRLF by Dovecot",
        ["lf-only:BODYSTRUCTURE:.0.6"] = "bare LF counted as CRLF by Dovecot",

        // RFC 2045 §5.2 recommends treating a syntactically invalid Content-Type as text/plain; us-ascii. Dovecot echoes it.
        ["invalid-content-type:BODY:"] = "invalid Content-Type read as the RFC 2045 default",
        ["invalid-content-type:BODYSTRUCTURE:"] = "invalid Content-Type read as the RFC 2045 default",

        // RFC 5322 §2.2.3: unfolding removes the CRLF and keeps the white space after it; Dovecot also collapses it.
        ["folded-headers:ENVELOPE:.1"] = "unfolded as RFC 5322 says, white space kept",
    };

    private const string Compare = """
        import imaplib, json, sys
        port, corpus_path, ours_path = int(sys.argv[1]), sys.argv[2], sys.argv[3]
        corpus = json.load(open(corpus_path)); ours = json.load(open(ours_path))

        def parse(data):
            pos = 0
            def skip():
                nonlocal pos
                while pos < len(data) and data[pos:pos+1] == b" ": pos += 1
            def value():
                nonlocal pos
                skip()
                c = data[pos:pos+1]
                if c == b"(":
                    pos += 1; items = []
                    while True:
                        skip()
                        if data[pos:pos+1] == b")": pos += 1; return items
                        items.append(value())
                if c == b'"':
                    pos += 1; out = bytearray()
                    while data[pos:pos+1] != b'"':
                        if data[pos:pos+1] == b"\\": pos += 1
                        out += data[pos:pos+1]; pos += 1
                    pos += 1; return out.decode("utf-8", "replace")
                if c == b"{":
                    end = data.index(b"}", pos); n = int(data[pos+1:end]); pos = end + 3
                    s = data[pos:pos+n]; pos += n; return s.decode("utf-8", "replace")
                start = pos
                while pos < len(data) and data[pos:pos+1] not in (b" ", b")", b"("): pos += 1
                atom = data[start:pos].decode()
                if atom == "NIL": return None
                return int(atom) if atom.isdigit() else atom
            return value()

        def flatten(resp):
            out = b""
            for part in resp:
                if isinstance(part, tuple): out += part[0] + b"\r\n" + part[1]
                else: out += part
            return out

        def diff(a, b, path, out):
            if isinstance(a, list) and isinstance(b, list):
                if len(a) != len(b): out.append((path, a, b)); return
                for i, (x, y) in enumerate(zip(a, b)): diff(x, y, path + "." + str(i), out)
            elif a != b:
                out.append((path, a, b))

        m = imaplib.IMAP4("127.0.0.1", port); m.login("u", "p"); m.select("INBOX")
        results = {}
        for name, b64 in corpus:
            import base64
            msg = base64.b64decode(b64)
            typ, data = m.append("INBOX", None, None, msg)
            if typ != "OK":
                results[name] = ["REFUSED:" + name + "\t" + repr(data)]; continue
            uid = data[0].decode().split("APPENDUID")[1].split()[1].rstrip("]")
            typ, resp = m.uid("FETCH", uid, "(ENVELOPE BODY BODYSTRUCTURE)")
            raw = flatten(resp)
            fetched = parse(raw[raw.index(b"("):])
            theirs = {fetched[i]: fetched[i+1] for i in range(0, len(fetched), 2)}
            diffs = []
            for item in ("ENVELOPE", "BODY", "BODYSTRUCTURE"):
                mine = parse(ours[name][item].encode("utf-8"))
                d = []; diff(mine, theirs[item], "", d)
                diffs += [f"{name}:{item}:{p}" + "\t" + json.dumps([x, y], ensure_ascii=False) for p, x, y in d]
            results[name] = diffs
        m.logout()
        print(json.dumps(results, ensure_ascii=False))
        """;

    [Fact]
    public async Task Envelope_and_bodystructure_match_dovecot()
    {
        await using var dovecot = await Dovecot.StartAsync();
        var corpus = StructureCorpus.All();
        var ours = new Dictionary<string, Dictionary<string, string>>();
        foreach (var (name, message) in corpus)
        {
            var root = StructureParser.Parse(message);
            ours[name] = new Dictionary<string, string>
            {
                ["ENVELOPE"] = ImapStructureWriter.Envelope(ImapEnvelope.FromMessage(root)),
                ["BODY"] = ImapStructureWriter.BodyStructure(root, extensible: false),
                ["BODYSTRUCTURE"] = ImapStructureWriter.BodyStructure(root, extensible: true),
            };
        }

        var dir = Directory.CreateTempSubdirectory("mks-mime-").FullName;
        try
        {
            var corpusFile = Path.Combine(dir, "corpus.json");
            var oursFile = Path.Combine(dir, "ours.json");
            await File.WriteAllTextAsync(corpusFile, JsonSerializer.Serialize(corpus.Select(c => new[] { c.Name, Convert.ToBase64String(c.Message) })));
            await File.WriteAllTextAsync(oursFile, JsonSerializer.Serialize(ours));
            var r = await ExternalTool.PythonAsync(Compare, dovecot.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), corpusFile, oursFile);
            Assert.True(r.ExitCode == 0, r.ToString());
            var results = JsonSerializer.Deserialize<Dictionary<string, string[]>>(r.Stdout)!;
            var unexpected = results.SelectMany(kv => kv.Value)
                .Where(d => !AcceptedDifferences.ContainsKey(d.Split('\t')[0]))
                .ToList();
            Assert.True(unexpected.Count == 0, "Differences from Dovecot:\n" + string.Join("\n", unexpected));
            Assert.Equal(corpus.Count, results.Count);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
