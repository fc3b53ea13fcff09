using System.Text;
using BenchmarkDotNet.Attributes;
using MailKitServer.Imap.Structure;

namespace MailKitServer.Benchmarks;

/// <summary>MIME structure parsing (no body decoding): a 2 KB plain message and a 10 MB message with attachments.</summary>
[MemoryDiagnoser]
public class MimeParsingBenchmarks
{
    private byte[] _small = [];
    private byte[] _large = [];

    [GlobalSetup]
    public void Setup()
    {
        var small = new StringBuilder("From: Alice <alice@example.test>\r\nTo: bob@example.test\r\nSubject: =?utf-8?q?caf=C3=A9?=\r\nDate: Sun, 22 Nov 2026 03:00:00 +0000\r\nMessage-ID: <1@example.test>\r\n\r\n");
        while (small.Length < 2048)
        {
            small.Append("A line of plain text in a short message, about seventy octets.\r\n");
        }

        _small = Encoding.ASCII.GetBytes(small.ToString());
        var random = new Random(42);
        var large = new StringBuilder("From: a@b.test\r\nSubject: attachments\r\nContent-Type: multipart/mixed; boundary=\"BOUNDARY-xyz\"\r\n\r\n--BOUNDARY-xyz\r\nContent-Type: text/plain\r\n\r\nSee attached.\r\n");
        for (var a = 0; a < 5; a++)
        {
            var data = new byte[1_500_000];
            random.NextBytes(data);
            large.Append($"--BOUNDARY-xyz\r\nContent-Type: application/octet-stream; name=\"file{a}.bin\"\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=\"file{a}.bin\"\r\n\r\n");
            var b64 = Convert.ToBase64String(data);
            for (var i = 0; i < b64.Length; i += 76)
            {
                large.Append(b64, i, Math.Min(76, b64.Length - i)).Append("\r\n");
            }
        }

        large.Append("--BOUNDARY-xyz--\r\n");
        _large = Encoding.ASCII.GetBytes(large.ToString());
    }

    /// <summary>Octets in the large message, for MB/s.</summary>
    public int LargeSize => _large.Length;

    [Benchmark]
    public long Parse2KB() => StructureParser.Parse(_small).EndOffset;

    [Benchmark]
    public long Parse10MB() => StructureParser.Parse(_large).Children.Count;

    [Benchmark]
    public int EnvelopeAndBodyStructure2KB()
    {
        var root = StructureParser.Parse(_small);
        return ImapStructureWriter.Envelope(ImapEnvelope.FromMessage(root)).Length + ImapStructureWriter.BodyStructure(root, true).Length;
    }
}
