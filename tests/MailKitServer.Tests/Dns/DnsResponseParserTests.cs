using MailKitServer.Dns;
using MailKitServer.Dns.Client;

namespace MailKitServer.Tests.Dns;

/// <summary>The response parser on packets captured from dnsmasq 2.89 (Debian 12), and on broken ones.</summary>
public class DnsResponseParserTests
{
    // b.test MX: two MX records with compressed names, and A/AAAA in the additional section.
    private const string MxAnswer = "1234858000010002000000030162047465737400000f0001c00c000f000100000000000e0014036d78320162047465737400c00c000f000100000000000d000a026d780162047465737400c026000100010000000000047f000003c026001c000100000000001000000000000000000000000000000003c040000100010000000000047f000002";
    private const string CnameAnswer = "12348580000100020000000005616c696173016204746573740000010001c00c0005000100000000000b026d780162047465737400c02a000100010000000000047f000002";
    private const string NxDomain = "123481830001000000000000046e6f7065047465737400000f0001";
    private const string NoData = "123481800001000000000000026d780162047465737400000f0001";
    private const string TxtAnswer = "123485800001000100000000016204746573740000100001c00c0010000100000000000c0b763d73706631202d616c6c";
    private const string AaaaAnswer = "123485800001000100000000036d78320162047465737400001c0001c00c001c000100000000001000000000000000000000000000000003";

    [Fact]
    public void Reads_mx_records_with_compressed_names()
    {
        Assert.True(DnsResponseParser.TryParse(Convert.FromHexString(MxAnswer), 0x1234, "b.test", DnsRecordType.MX, out var r, out _));
        Assert.Equal(0, r.ResponseCode);
        Assert.Equal([new MxRecord(20, "mx2.b.test"), new MxRecord(10, "mx.b.test")], r.Answers.Select(a => (MxRecord)a.Data!));
    }

    [Fact]
    public void Reads_cname_txt_aaaa_and_negative_answers()
    {
        Assert.True(DnsResponseParser.TryParse(Convert.FromHexString(CnameAnswer), 0x1234, "alias.b.test", DnsRecordType.A, out var c, out _));
        Assert.Equal("mx.b.test", c.Answers[0].Data);
        Assert.Equal(System.Net.IPAddress.Parse("127.0.0.2"), c.Answers[1].Data);
        Assert.True(DnsResponseParser.TryParse(Convert.FromHexString(TxtAnswer), 0x1234, "b.test", DnsRecordType.Txt, out var t, out _));
        Assert.Equal("v=spf1 -all", t.Answers[0].Data);
        Assert.True(DnsResponseParser.TryParse(Convert.FromHexString(AaaaAnswer), 0x1234, "MX2.b.test.", DnsRecordType.Aaaa, out var v6, out _));
        Assert.Equal(System.Net.IPAddress.Parse("::3"), v6.Answers[0].Data);
        Assert.True(DnsResponseParser.TryParse(Convert.FromHexString(NxDomain), 0x1234, "nope.test", DnsRecordType.MX, out var nx, out _));
        Assert.Equal(3, nx.ResponseCode);
        Assert.True(DnsResponseParser.TryParse(Convert.FromHexString(NoData), 0x1234, "mx.b.test", DnsRecordType.MX, out var nodata, out _));
        Assert.Empty(nodata.Answers);
    }

    [Fact]
    public void Refuses_answers_to_other_questions()
    {
        var packet = Convert.FromHexString(MxAnswer);
        Assert.False(DnsResponseParser.TryParse(packet, 0x4321, "b.test", DnsRecordType.MX, out _, out var e1));
        Assert.Equal("wrong message id", e1);
        Assert.False(DnsResponseParser.TryParse(packet, 0x1234, "c.test", DnsRecordType.MX, out _, out var e2));
        Assert.Equal("answer for another question", e2);
        Assert.False(DnsResponseParser.TryParse(packet, 0x1234, "b.test", DnsRecordType.A, out _, out _));
        var query = (byte[])packet.Clone();
        query[2] &= 0x7F; // QR clear: a query, not a response
        Assert.False(DnsResponseParser.TryParse(query, 0x1234, "b.test", DnsRecordType.MX, out _, out _));
    }

    [Fact]
    public void Every_truncation_of_a_packet_is_refused_not_crashed()
    {
        foreach (var (hex, name, type) in new[] { (MxAnswer, "b.test", DnsRecordType.MX), (CnameAnswer, "alias.b.test", DnsRecordType.A), (TxtAnswer, "b.test", DnsRecordType.Txt), (AaaaAnswer, "mx2.b.test", DnsRecordType.Aaaa) })
        {
            var packet = Convert.FromHexString(hex);
            Assert.True(DnsResponseParser.TryParse(packet, 0x1234, name, type, out var whole, out _));
            for (var cut = 0; cut < packet.Length; cut++)
            {
                // Cut inside the answer: refused. Cut in the additional section (not read): the same answers.
                if (DnsResponseParser.TryParse(packet.AsSpan(0, cut), 0x1234, name, type, out var r, out _))
                {
                    Assert.Equal(whole.Answers, r.Answers);
                }
            }
        }
    }

    [Fact]
    public void Compression_pointers_that_loop_are_refused()
    {
        // A question name that points at itself.
        byte[] packet = [0x12, 0x34, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, 12, 0, 15, 0, 1];
        Assert.False(DnsResponseParser.TryParse(packet, 0x1234, "b.test", DnsRecordType.MX, out _, out var error));
        Assert.Equal("malformed question", error);
    }
}
