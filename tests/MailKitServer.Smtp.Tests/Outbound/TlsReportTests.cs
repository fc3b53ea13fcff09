using System.Globalization;
using System.Text.Json;
using MailKitServer.Smtp.Outbound;
using MailKitServer.Smtp.Outbound.TlsRpt;
using MailKitServer.TestSupport;

namespace MailKitServer.Smtp.Tests.Outbound;

/// <summary>
/// SMTP TLS reporting (RFC 8460) end to end: Unbound validates b.test (signed with ldns-signzone), whose first MX
/// host's TLSA record names another key and whose second names server B's, and whose <c>_smtp._tls</c> record asks
/// for reports at someone@b.test (and an https: address, not posted to). One message is delivered (a DANE failure at
/// mx1, then TLS with mx); when the server's clock passes midnight the day's report is sent through our own queue to
/// B, and Python's email, gzip and json modules read it as a receiver would.
/// </summary>
public sealed class TlsReportTests
{
    private const string Reader = """
        import email, email.policy, gzip, json, sys
        message = email.message_from_bytes(open(sys.argv[1], 'rb').read(), policy=email.policy.default)
        parts = [p for p in message.walk() if p.get_content_type() == 'application/tlsrpt+gzip']
        report = json.loads(gzip.decompress(parts[0].get_content()))
        print(json.dumps({
            'type': message.get_content_type(),
            'report_type': message.get_param('report-type'),
            'domain': message['TLS-Report-Domain'],
            'submitter': message['TLS-Report-Submitter'],
            'subject': message['Subject'],
            'filename': parts[0].get_filename(),
            'attachments': len(parts),
            'report': report,
        }))
        """;

    [Fact]
    public async Task A_day_of_sessions_is_reported_to_the_mailto_address_of_the_policy_domain()
    {
        using var certificates = TestCertificates.Create("mx.b.test");
        using var other = TestCertificates.Create("mx1.b.test");
        await using var receiver = await RemoteReceiver.StartAsync(certificate: certificates.Leaf);
        var port = receiver.Port.ToString(CultureInfo.InvariantCulture);
        var wrong = Spki(other);
        var right = Spki(certificates);
        await using var dns = await Unbound.StartAsync("b.test",
        [
            "@ IN MX 10 mx1",
            "@ IN MX 20 mx",
            $"mx1 IN A {RemoteReceiver.Address}",
            $"mx IN A {RemoteReceiver.Address}",
            $"_{port}._tcp.mx1 IN TLSA 3 1 1 {wrong}",
            $"_{port}._tcp.mx IN TLSA 3 1 1 {right}",
            "_smtp._tls IN TXT \"v=TLSRPTv1; rua=mailto:someone@b.test,https://reports.b.test/tlsrpt\"",
        ], signed: true);
        var time = new ManualTimeProvider();
        await using var sender = await OutboundHarness.StartSenderAsync(receiver.Port, dns.Resolver(), o =>
        {
            o.RetrySchedule[0] = TimeSpan.FromMinutes(5);
            o.TlsReports = new TlsReportOptions { OrganizationName = "Example Org", Sender = "tlsrpt@example.test", ContactInfo = "postmaster@example.test" };
        }, time: time);

        await OutboundHarness.SubmitAsync(sender, "alice@example.test", ["someone@b.test"], "Subject: dane\r\n\r\ncounted\r\n");
        Assert.Equal(1, await receiver.WaitForCountAsync(1));

        // The reporter waits for midnight on the server's clock (2026-01-01 00:00 now): a day on, the report goes out.
        await time.WaitForArmedAsync(due => due > TimeSpan.FromHours(12));
        time.Advance(TimeSpan.FromDays(1));
        Assert.Equal(2, await receiver.WaitForCountAsync(2));

        var stored = (await receiver.MessagesAsync())[1];
        var path = Path.Combine(Path.GetTempPath(), $"mks-tlsrpt-{Guid.NewGuid():N}.eml");
        await File.WriteAllBytesAsync(path, stored);
        ExternalTool.Result read;
        try
        {
            read = await ExternalTool.PythonAsync(Reader, path);
        }
        finally
        {
            File.Delete(path);
        }

        Assert.True(read.ExitCode == 0, read.ToString());
        using var parsed = JsonDocument.Parse(read.Stdout);
        var root = parsed.RootElement;
        Assert.Equal("multipart/report", root.GetProperty("type").GetString());
        Assert.Equal("tlsrpt", root.GetProperty("report_type").GetString());
        Assert.Equal("b.test", root.GetProperty("domain").GetString());
        Assert.Equal("example.test", root.GetProperty("submitter").GetString());
        Assert.Equal(1, root.GetProperty("attachments").GetInt32());
        var report = root.GetProperty("report");
        var id = report.GetProperty("report-id").GetString()!;
        Assert.Equal($"Report Domain: b.test Submitter: example.test Report-ID: <{id}>", root.GetProperty("subject").GetString());
        Assert.Equal($"example.test!b.test!1767225600!1767311999!{id}.json.gz", root.GetProperty("filename").GetString());
        Assert.Equal("Example Org", report.GetProperty("organization-name").GetString());
        Assert.Equal("postmaster@example.test", report.GetProperty("contact-info").GetString());
        Assert.Equal("2026-01-01T00:00:00Z", report.GetProperty("date-range").GetProperty("start-datetime").GetString());
        Assert.Equal("2026-01-01T23:59:59Z", report.GetProperty("date-range").GetProperty("end-datetime").GetString());

        // One policy per MX host (its TLSA records): mx1 failed once (its record names another key), mx succeeded once.
        var policies = report.GetProperty("policies").EnumerateArray().ToDictionary(p => p.GetProperty("policy").GetProperty("mx-host")[0].GetString()!);
        Assert.Equal(["mx.b.test", "mx1.b.test"], policies.Keys.Order(StringComparer.Ordinal));
        foreach (var (host, spki, successes, failures) in new[] { ("mx.b.test", right, 1, 0), ("mx1.b.test", wrong, 0, 1) })
        {
            var policy = policies[host];
            Assert.Equal("tlsa", policy.GetProperty("policy").GetProperty("policy-type").GetString());
            Assert.Equal("b.test", policy.GetProperty("policy").GetProperty("policy-domain").GetString());
            Assert.Equal($"3 1 1 {spki}", Assert.Single(policy.GetProperty("policy").GetProperty("policy-string").EnumerateArray()).GetString());
            Assert.Equal(successes, policy.GetProperty("summary").GetProperty("total-successful-session-count").GetInt32());
            Assert.Equal(failures, policy.GetProperty("summary").GetProperty("total-failure-session-count").GetInt32());
        }

        var failure = Assert.Single(policies["mx1.b.test"].GetProperty("failure-details").EnumerateArray());
        Assert.Equal("validation-failure", failure.GetProperty("result-type").GetString());
        Assert.Equal("mx1.b.test", failure.GetProperty("receiving-mx-hostname").GetString());
        Assert.Equal(RemoteReceiver.Address.ToString(), failure.GetProperty("receiving-ip").GetString());
        Assert.Equal(1, failure.GetProperty("failed-session-count").GetInt32());
        Assert.False(policies["mx.b.test"].TryGetProperty("failure-details", out _));

        // The report's own delivery (through mx1 again, despite its failing TLSA record) is not counted: once the
        // reporter has handled the next midnight (it waits for the one after), nothing more was queued or received.
        // (A report would be queued before the reporter waits again, and stored before it leaves the queue.)
        var rearmed = time.WaitForArmedAsync(due => due > TimeSpan.FromHours(12), fresh: true);
        time.Advance(TimeSpan.FromDays(1));
        await rearmed;
        Assert.Empty(sender.Server.GetOutboundQueue().List());
        Assert.Equal(2, await receiver.CountAsync());
    }

    [Theory]
    [InlineData("v=TLSRPTv1; rua=mailto:reports@b.test", "mailto:reports@b.test")]
    [InlineData("v=TLSRPTv1;rua=mailto:a@b.test,https://r.b.test/x", "mailto:a@b.test|https://r.b.test/x")]
    [InlineData("v=TLSRPTv1; ext=1; rua=mailto:tls%2Breports@b.test?subject=x", "mailto:tls%2Breports@b.test?subject=x")]
    [InlineData("v=TLSRPTv1; rua=ftp://x.test,mailto:ok@b.test", "mailto:ok@b.test")]
    [InlineData("v=TLSRPTv1; rua=http://insecure.test", null)]
    [InlineData("v=TLSRPTv1;", null)]
    [InlineData("v=TLSRPTv2; rua=mailto:a@b.test", null)]
    [InlineData("rua=mailto:a@b.test; v=TLSRPTv1", null)]
    [InlineData("v=spf1 -all", null)]
    public void TLSRPT_records_are_parsed_as_RFC_8460_section_3_says(string text, string? rua)
    {
        Assert.Equal(rua is not null, TlsRptRecord.TryParse(text, out var record));
        if (rua is not null)
        {
            Assert.Equal(rua.Split('|'), record.Rua);
        }
    }

    [Fact]
    public void Only_one_TLSRPT_record_counts_and_at_most_five_addresses_are_taken()
    {
        Assert.Null(TlsRptRecord.Select(["v=TLSRPTv1; rua=mailto:a@b.test", "v=TLSRPTv1; rua=mailto:c@b.test"]));
        Assert.NotNull(TlsRptRecord.Select(["v=spf1 -all", "v=TLSRPTv1; rua=mailto:a@b.test"]));
        var many = "v=TLSRPTv1; rua=" + string.Join(',', Enumerable.Range(0, 50).Select(i => $"mailto:r{i}@b.test"));
        Assert.Equal(TlsRptRecord.MaxRua, TlsRptRecord.Select([many])!.Rua.Count);
        Assert.Equal("a%x@b.test", TlsRptRecord.MailtoAddress("mailto:a%25x@b.test?subject=1"));
    }

    private static string Spki(TestCertificates certificates) =>
        Convert.ToHexStringLower(DaneVerifierTests.Record(3, 1, 1, certificates.Leaf).Data.Span);
}
