using MailKitServer.Smtp.Outbound.MtaSts;

namespace MailKitServer.Smtp.Tests.Outbound;

/// <summary>The MTA-STS policy body (RFC 8461 §3.2), the TXT record (§3.1) and MX pattern matching (§4.1).</summary>
public sealed class MtaStsPolicyTests
{
    [Theory]
    [InlineData("version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmx: *.example.net\r\nmax_age: 604800\r\n", "Enforce", 2, 604800)]
    [InlineData("version: STSv1\nmode: testing\nmx: mx.example.com\nmax_age: 0\nunknown: kept out\n", "Testing", 1, 0)]
    [InlineData("version: STSv1\nmode: none\nmax_age: 31557600", "None", 0, 31557600)]
    [InlineData("version:STSv1\nmode:enforce\nmx:MX.Example.COM.\nmax_age:1\n", "Enforce", 1, 1)]
    public void Valid_policies_parse(string text, string mode, int patterns, long maxAge)
    {
        Assert.True(MtaStsPolicy.TryParse(text, out var policy, out var error), error);
        Assert.Equal((mode, patterns, TimeSpan.FromSeconds(maxAge)), (policy.Mode.ToString(), policy.MxPatterns.Count, policy.MaxAge));
    }

    [Theory]
    [InlineData("mode: enforce\nversion: STSv1\nmx: a.test\nmax_age: 1\n", "version")]
    [InlineData("version: STSv2\nmode: enforce\nmx: a.test\nmax_age: 1\n", "version")]
    [InlineData("version: STSv1\nmode: strict\nmx: a.test\nmax_age: 1\n", "mode")]
    [InlineData("version: STSv1\nmode: enforce\nmax_age: 1\n", "mx")]
    [InlineData("version: STSv1\nmode: enforce\nmx: a.test\n", "max_age")]
    [InlineData("version: STSv1\nmode: enforce\nmx: a.test\nmax_age: 31557601\n", "max_age")]
    [InlineData("version: STSv1\nmode: enforce\nmx: a.test\nmax_age: 99999999999999999999\n", "max_age")]
    [InlineData("version: STSv1\nmode: enforce\nmx: a.test\nmax_age: -5\n", "max_age")]
    [InlineData("version: STSv1\nthis line has no colon\n", "key: value")]
    [InlineData("", "version")]
    [InlineData("<html><body>not found</body></html>", "key: value")]
    public void Malformed_policies_are_refused_with_the_reason(string text, string reason)
    {
        Assert.False(MtaStsPolicy.TryParse(text, out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void More_than_100_mx_lines_is_not_a_policy()
    {
        var text = "version: STSv1\nmode: enforce\nmax_age: 1\n" + string.Concat(Enumerable.Range(0, 101).Select(i => $"mx: mx{i}.test\n"));
        Assert.False(MtaStsPolicy.TryParse(text, out _, out var error));
        Assert.Contains("100", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("mail.example.com", true)]
    [InlineData("MAIL.example.com.", true)]
    [InlineData("mx1.example.net", true)]
    [InlineData("a.b.example.net", false)]
    [InlineData("example.net", false)]
    [InlineData("mail.example.org", false)]
    [InlineData("xmail.example.com", false)]
    public void MX_hosts_match_a_name_or_one_wildcard_label(string host, bool matches)
    {
        Assert.True(MtaStsPolicy.TryParse("version: STSv1\nmode: enforce\nmx: mail.example.com\nmx: *.example.net\nmax_age: 1\n", out var policy, out _));
        Assert.Equal(matches, policy.Matches(host));
    }

    [Theory]
    [InlineData(new[] { "v=STSv1; id=20160831085700Z;" }, "20160831085700Z")]
    [InlineData(new[] { "v=spf1 -all", "v=STSv1; id=abc" }, "abc")]
    [InlineData(new[] { "v=STSv1; id=a; id=b;" }, null)]
    [InlineData(new[] { "v=STSv1; id=1;", "v=STSv1; id=2;" }, null)]
    [InlineData(new[] { "v=STSv1; id=not-alnum;" }, null)]
    [InlineData(new[] { "v=STSv1; id=123456789012345678901234567890123;" }, null)]
    [InlineData(new[] { "v=STSv1;" }, null)]
    [InlineData(new[] { "v=STSv10; id=1;" }, null)]
    [InlineData(new string[0], null)]
    public void The_TXT_record_gives_the_policy_id_only_when_exactly_one_valid_record_exists(string[] records, string? id)
    {
        Assert.Equal(id, MtaStsTxtRecord.FindId(records));
    }
}
