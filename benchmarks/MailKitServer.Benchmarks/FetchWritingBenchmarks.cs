using System.Text;
using BenchmarkDotNet.Attributes;
using MailKitServer.Imap.Structure;

namespace MailKitServer.Benchmarks;

/// <summary>Writing the FETCH data items that need the message structure: ENVELOPE and BODYSTRUCTURE.</summary>
[MemoryDiagnoser]
public class FetchWritingBenchmarks
{
    private StructurePart _root = null!;

    [GlobalSetup]
    public void Setup()
    {
        var message = new StringBuilder()
            .Append("From: \"Alice Example\" <alice@example.test>\r\nTo: bob@example.test, \"Carol\" <carol@example.test>\r\nCc: team: dan@example.test, eve@example.test;\r\n")
            .Append("Subject: =?utf-8?q?Quarterly_report_=E2=80=94_final?=\r\nDate: Sun, 22 Nov 2026 05:00:00 +0000\r\nMessage-ID: <q4@example.test>\r\n")
            .Append("MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=outer\r\n\r\n")
            .Append("--outer\r\nContent-Type: multipart/alternative; boundary=inner\r\n\r\n")
            .Append("--inner\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nThe report.\r\n--inner\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>The report.</p>\r\n--inner--\r\n")
            .Append("--outer\r\nContent-Type: application/pdf; name=\"q4.pdf\"\r\nContent-Disposition: attachment; filename=\"q4.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n")
            .Append("--outer--\r\n").ToString();
        _root = StructureParser.Parse(Encoding.UTF8.GetBytes(message));
    }

    [Benchmark]
    public int Envelope() => ImapStructureWriter.Envelope(ImapEnvelope.FromMessage(_root)).Length;

    [Benchmark]
    public int BodyStructure() => ImapStructureWriter.BodyStructure(_root, extensible: true).Length;
}
