using System.Net;
using MailKitServer.SenderAuth;
using MailKitServer.Smtp.SenderAuth.Spf;

namespace MailKitServer.Smtp.Tests.SenderAuth;

public class SpfEvaluatorTests
{
    private static readonly IPAddress Client = IPAddress.Parse("192.0.2.10");

    private static SpfEvaluator Evaluator(ZoneResolver zone, TimeSpan? limit = null) => new(zone, "mx.receiver.test", TimeProvider.System, limit ?? TimeSpan.FromSeconds(20));

    private static Task<SpfOutcome> CheckAsync(ZoneResolver zone, string ip = "192.0.2.10", string sender = "alice@example.test", string helo = "mail.example.test") =>
        Evaluator(zone).CheckMailFromAsync(IPAddress.Parse(ip), sender, helo, default);

    [Theory]
    [InlineData("v=spf1 +all", "198.51.100.1", SpfResult.Pass)]
    [InlineData("v=spf1 a -all", "192.0.2.10", SpfResult.Pass)]
    [InlineData("v=spf1 a -all", "192.0.2.11", SpfResult.Fail)]
    [InlineData("v=spf1 a/24 -all", "192.0.2.99", SpfResult.Pass)]
    [InlineData("v=spf1 mx -all", "192.0.2.129", SpfResult.Pass)]
    [InlineData("v=spf1 mx ~all", "192.0.2.140", SpfResult.SoftFail)]
    [InlineData("v=spf1 mx:other.test -all", "192.0.2.140", SpfResult.Pass)]
    [InlineData("v=spf1 ip4:192.0.2.128/28 ?all", "192.0.2.143", SpfResult.Pass)]
    [InlineData("v=spf1 ip4:192.0.2.128/28 ?all", "192.0.2.144", SpfResult.Neutral)]
    [InlineData("v=spf1 ip6:2001:db8::/32 -all", "2001:db8:1::5", SpfResult.Pass)]
    [InlineData("v=spf1 ptr -all", "192.0.2.65", SpfResult.Pass)]
    [InlineData("v=spf1 ptr -all", "192.0.2.66", SpfResult.Fail)]
    [InlineData("v=spf1 include:other.test -all", "192.0.2.140", SpfResult.Pass)]
    [InlineData("v=spf1 include:other.test -all", "192.0.2.10", SpfResult.Fail)]
    [InlineData("v=spf1 exists:%{ir}.allow.example.test -all", "192.0.2.77", SpfResult.Pass)]
    [InlineData("v=spf1 redirect=other.test", "192.0.2.140", SpfResult.Pass)]
    [InlineData("v=spf1 -ip4:192.0.2.0/24 +all", "192.0.2.5", SpfResult.Fail)]
    [InlineData("v=spf1", "192.0.2.5", SpfResult.Neutral)]
    [InlineData("v=spf1 foo:bar -all", "192.0.2.10", SpfResult.PermError)]
    [InlineData("v=spf1 a:1.2.3.4 -all", "192.0.2.10", SpfResult.PermError)]
    [InlineData("v=spf1 ip4:192.0.2.1/33 -all", "192.0.2.10", SpfResult.PermError)]
    [InlineData("v=spf1 redirect=a.test redirect=b.test", "192.0.2.10", SpfResult.PermError)]
    [InlineData("v=spf1 include:nothing.test -all", "192.0.2.10", SpfResult.PermError)]
    public async Task Mechanisms_give_the_result_RFC_7208_defines(string record, string ip, SpfResult expected)
    {
        var zone = new ZoneResolver()
            .Txt("example.test", record)
            .A("example.test", "192.0.2.10")
            .Mx("example.test", 10, "mail-a.example.test").A("mail-a.example.test", "192.0.2.129")
            .Txt("other.test", "v=spf1 mx -all")
            .Mx("other.test", 10, "mail-c.other.test").A("mail-c.other.test", "192.0.2.140")
            .A("77.2.0.192.allow.example.test", "127.0.0.2")
            .Ptr("192.0.2.65", "amy.example.test").A("amy.example.test", "192.0.2.65")
            .Ptr("192.0.2.66", "bob.example.test");
        var outcome = await CheckAsync(zone, ip);
        Assert.Equal(expected, outcome.Result);
        Assert.Equal("mailfrom", outcome.Identity);
        Assert.Equal("example.test", outcome.Domain);
    }

    [Fact]
    public async Task A_fail_carries_the_domain_explanation_with_its_macros_expanded()
    {
        var zone = new ZoneResolver()
            .Txt("example.test", "v=spf1 -all exp=why.example.test")
            .Txt("why.example.test", "%{i} is not one of %{d}'s mail servers; ask %{l}");
        var outcome = await CheckAsync(zone, "192.0.2.200");
        Assert.Equal(SpfResult.Fail, outcome.Result);
        Assert.Equal("192.0.2.200 is not one of example.test's mail servers; ask alice", outcome.Explanation);
    }

    [Fact]
    public async Task The_null_sender_is_checked_as_postmaster_at_the_HELO_name()
    {
        var zone = new ZoneResolver().Txt("mail.example.test", "v=spf1 exists:%{l}.%{o}.seen.test -all").A("postmaster.mail.example.test.seen.test", "127.0.0.1");
        var outcome = await Evaluator(zone).CheckMailFromAsync(Client, null, "mail.example.test", default);
        Assert.Equal(SpfResult.Pass, outcome.Result);
        Assert.Equal("helo", outcome.Identity);
        Assert.Equal("mail.example.test", outcome.Domain);
    }

    [Theory]
    [InlineData("single-label")]
    [InlineData("[192.0.2.1]")]
    [InlineData("x.a123456789012345678901234567890123456789012345678901234567890123.test")]
    public async Task A_domain_that_is_not_a_multi_label_name_gives_none(string helo)
    {
        var outcome = await Evaluator(new ZoneResolver()).CheckHeloAsync(Client, helo, default);
        Assert.Equal(SpfResult.None, outcome.Result);
    }

    [Fact]
    public async Task Two_SPF_records_are_a_permerror_and_other_TXT_records_are_ignored()
    {
        var two = new ZoneResolver().Txt("example.test", "v=spf1 +all").Txt("example.test", "v=spf1 -all");
        Assert.Equal(SpfResult.PermError, (await CheckAsync(two)).Result);
        var other = new ZoneResolver().Txt("example.test", "google-site-verification=abc").Txt("example.test", "v=spf10 +all").Txt("example.test", "v=spf1 +all");
        Assert.Equal(SpfResult.Pass, (await CheckAsync(other)).Result);
        var none = new ZoneResolver().Txt("example.test", "v=spf10 +all");
        Assert.Equal(SpfResult.None, (await CheckAsync(none)).Result);
    }

    [Fact]
    public async Task An_include_loop_ends_in_permerror_after_ten_lookups()
    {
        var zone = new ZoneResolver().Txt("example.test", "v=spf1 include:loop.test -all").Txt("loop.test", "v=spf1 include:example.test -all");
        var outcome = await CheckAsync(zone);
        Assert.Equal(SpfResult.PermError, outcome.Result);
        Assert.Contains("more than 10", outcome.Explanation, StringComparison.Ordinal);
        Assert.InRange(zone.Queries, 10, 12);
    }

    [Fact]
    public async Task Thirty_includes_end_in_permerror_without_looking_past_the_limit()
    {
        var zone = new ZoneResolver().Txt("example.test", "v=spf1 " + string.Join(' ', Enumerable.Range(1, 30).Select(i => $"include:i{i}.test")) + " -all");
        for (var i = 1; i <= 30; i++)
        {
            zone.Txt($"i{i}.test", $"v=spf1 ip4:198.51.100.{i} -all");
        }

        var outcome = await CheckAsync(zone);
        Assert.Equal(SpfResult.PermError, outcome.Result);
        Assert.Equal(11, zone.Queries); // the domain's own record and the first ten includes
    }

    [Fact]
    public async Task A_ten_thousand_character_macro_expansion_is_a_permerror()
    {
        var sender = new string('x', 60) + "@example.test";
        var zone = new ZoneResolver().Txt("example.test", "v=spf1 exists:" + string.Concat(Enumerable.Repeat("%{s}", 140)) + ".example.test -all");
        var outcome = await Evaluator(zone).CheckMailFromAsync(Client, sender, "mail.example.test", default);
        Assert.Equal(SpfResult.PermError, outcome.Result);
        Assert.Contains("longer than", outcome.Explanation, StringComparison.Ordinal);
        Assert.Equal(1, zone.Queries);
    }

    [Fact]
    public async Task A_long_expansion_within_the_bound_is_cut_from_the_left_to_253_characters()
    {
        var zone = new ZoneResolver().Txt("example.test", "v=spf1 exists:%{l}.%{l}.%{l}.%{l}.%{l}.ok.test -all");
        var local = new string('a', 60);
        var name = string.Join('.', Enumerable.Repeat(local, 4)) + ".ok.test"; // 5 labels of 60 and ok.test is 312 characters: the first label goes
        zone.A(name, "127.0.0.2");
        var outcome = await Evaluator(zone).CheckMailFromAsync(Client, local + "@example.test", "mail.example.test", default);
        Assert.Equal(SpfResult.Pass, outcome.Result);
    }

    [Fact]
    public async Task A_third_void_lookup_is_a_permerror()
    {
        var zone = new ZoneResolver().Txt("example.test", "v=spf1 a:n1.test a:n2.test a:n3.test +all");
        Assert.Equal(SpfResult.PermError, (await CheckAsync(zone)).Result);
        var two = new ZoneResolver().Txt("example.test", "v=spf1 a:n1.test a:n2.test +all");
        Assert.Equal(SpfResult.Pass, (await CheckAsync(two)).Result);
    }

    [Fact]
    public async Task More_than_ten_exchangers_for_one_mx_is_a_permerror()
    {
        var zone = new ZoneResolver().Txt("example.test", "v=spf1 mx -all");
        for (var i = 0; i < 11; i++)
        {
            zone.Mx("example.test", (ushort)i, $"mx{i}.example.test").A($"mx{i}.example.test", $"198.51.100.{i}");
        }

        Assert.Equal(SpfResult.PermError, (await CheckAsync(zone)).Result);
    }

    [Fact]
    public async Task A_DNS_time_out_is_a_temperror()
    {
        var zone = new ZoneResolver().TimeOut("example.test");
        Assert.Equal(SpfResult.TempError, (await CheckAsync(zone)).Result);
        var include = new ZoneResolver().Txt("example.test", "v=spf1 include:slow.test -all").TimeOut("slow.test");
        Assert.Equal(SpfResult.TempError, (await CheckAsync(include)).Result);
        var a = new ZoneResolver().Txt("example.test", "v=spf1 a:slow.test -all").TimeOut("slow.test");
        Assert.Equal(SpfResult.TempError, (await CheckAsync(a)).Result);
    }

    [Fact]
    public async Task An_evaluation_past_its_time_limit_is_a_temperror()
    {
        var zone = new ZoneResolver().Txt("example.test", "v=spf1 a:hang.test -all").Hang("hang.test");
        var outcome = await Evaluator(zone, TimeSpan.FromMilliseconds(200)).CheckMailFromAsync(Client, "alice@example.test", "mail.example.test", default);
        Assert.Equal(SpfResult.TempError, outcome.Result);
    }

    [Theory]
    [InlineData("%{s}", "strong-bad@email.example.com")]
    [InlineData("%{o}", "email.example.com")]
    [InlineData("%{d}", "email.example.com")]
    [InlineData("%{d4}", "email.example.com")]
    [InlineData("%{d2}", "example.com")]
    [InlineData("%{d1}", "com")]
    [InlineData("%{dr}", "com.example.email")]
    [InlineData("%{d2r}", "example.email")]
    [InlineData("%{l}", "strong-bad")]
    [InlineData("%{l-}", "strong.bad")]
    [InlineData("%{lr}", "strong-bad")]
    [InlineData("%{lr-}", "bad.strong")]
    [InlineData("%{l1r-}", "strong")]
    [InlineData("%{ir}.%{v}._spf.%{d2}", "3.2.0.192.in-addr._spf.example.com")]
    [InlineData("%{lr-}.lp._spf.%{d2}", "bad.strong.lp._spf.example.com")]
    [InlineData("%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}", "3.2.0.192.in-addr.strong.lp._spf.example.com")]
    [InlineData("%{S}", "strong-bad%40email.example.com")]
    [InlineData("a%%b%_c%-d", "a%b c%20d")]
    public async Task Macros_expand_as_RFC_7208_section_7_4_shows(string macro, string expected)
    {
        var context = new SpfMacroContext("strong-bad@email.example.com", "strong-bad", "email.example.com", IPAddress.Parse("192.0.2.3"), "mx.example.org", "mx.receiver.test", 0, (_, _) => ValueTask.FromResult("mx.example.org"));
        Assert.Equal(expected, await SpfMacro.ExpandAsync(macro, "email.example.com", context, explanation: false, default));
    }

    [Fact]
    public async Task The_i_macro_of_an_IPv6_client_is_dotted_nibbles()
    {
        var context = new SpfMacroContext("a@b.test", "a", "b.test", IPAddress.Parse("2001:db8::cb01"), "h.test", "r.test", 0, (_, _) => ValueTask.FromResult("unknown"));
        Assert.Equal("1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6", await SpfMacro.ExpandAsync("%{ir}.%{v}", "b.test", context, explanation: false, default));
    }

    [Theory]
    [InlineData("%{d0}")]
    [InlineData("%{x}")]
    [InlineData("%{c}")]
    [InlineData("%{d")]
    [InlineData("%z")]
    [InlineData("a b")]
    public void Invalid_macro_strings_are_refused(string text) => Assert.False(SpfMacro.IsValid(text, explanation: false));

    [Theory]
    [InlineData("v=spf1 a:example.test/24//64 mx/24 ip4:192.0.2.0/24 ip6:2001:db8::/32 ptr:x.test exists:%{i}.x.test include:%{d2}.test ~all redirect=r.test exp=e.test x-unknown=%{d}")]
    [InlineData("v=spf1 a:foo:bar/baz.example.com -all")]
    [InlineData("v=spf1 -ip4:192.0.2.0/24 ?all")]
    public void Every_prefix_and_every_one_character_deletion_of_a_record_parses_or_is_refused_without_throwing(string record)
    {
        Assert.True(SpfRecordParser.TryParse(record, out _, out var error), error);
        for (var i = SpfRecordParser.Version.Length; i <= record.Length; i++)
        {
            _ = SpfRecordParser.TryParse(record[..i], out _, out _);
        }

        for (var i = SpfRecordParser.Version.Length; i < record.Length; i++)
        {
            _ = SpfRecordParser.TryParse(record.Remove(i, 1), out _, out _);
        }
    }

    [Fact]
    public void Dual_cidr_lengths_are_read_from_the_end_of_the_term()
    {
        Assert.True(SpfRecordParser.TryParse("v=spf1 a:foo.test/24//64 mx//48 a/16", out var record, out _));
        Assert.Equal(("foo.test", 24, 64), (record.Mechanisms[0].DomainSpec, record.Mechanisms[0].Ip4Prefix, record.Mechanisms[0].Ip6Prefix));
        Assert.Equal((null, 32, 48), (record.Mechanisms[1].DomainSpec, record.Mechanisms[1].Ip4Prefix, record.Mechanisms[1].Ip6Prefix));
        Assert.Equal((null, 16, 128), (record.Mechanisms[2].DomainSpec, record.Mechanisms[2].Ip4Prefix, record.Mechanisms[2].Ip6Prefix));
    }
}
