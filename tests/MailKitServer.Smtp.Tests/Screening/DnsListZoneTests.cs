using System.Net;
using MailKitServer.Smtp.Screening.Dnsbl;

namespace MailKitServer.Smtp.Tests.Screening;

public class DnsListZoneTests
{
    [Theory]
    [InlineData("127.0.0.2", true)]
    [InlineData("127.0.0.10", true)]
    [InlineData("127.1.2.3", true)]
    [InlineData("127.0.0.1", false)]
    [InlineData("127.255.255.254", false)]
    [InlineData("127.255.255.252", false)]
    [InlineData("10.0.0.2", false)]
    [InlineData("::1", false)]
    public void Without_codes_any_answer_in_127_8_counts_but_127_0_0_1_the_refusal_codes_and_other_networks(string answer, bool listed) =>
        Assert.Equal(listed, DnsListZone.Parse("bl.test").Matches(IPAddress.Parse(answer)));

    [Theory]
    [InlineData("127.0.0.2", true)]
    [InlineData("127.0.0.3", false)]
    [InlineData("127.0.0.4", true)]
    [InlineData("127.0.0.7", true)]
    [InlineData("127.0.0.8", false)]
    [InlineData("127.0.1.9", true)]
    [InlineData("127.0.1.10", false)]
    public void Codes_name_addresses_and_ranges_of_the_last_octet_or_of_whole_addresses(string answer, bool listed) =>
        Assert.Equal(listed, DnsListZone.Parse("zen.example=127.0.0.2, 127.0.0.4-7,127.0.1.1-127.0.1.9").Matches(IPAddress.Parse(answer)));

    [Theory]
    [InlineData("127.0.0.4", true)]
    [InlineData("127.0.0.6", true)]
    [InlineData("127.0.0.2", false)]
    [InlineData("127.0.1.0", true)]
    [InlineData("128.0.0.4", false)]
    public void A_mask_matches_answers_with_one_of_its_bits_set(string answer, bool listed) =>
        Assert.Equal(listed, DnsListZone.Parse("multi.example=&4,&0.0.1.0").Matches(IPAddress.Parse(answer)));

    [Theory]
    [InlineData("")]
    [InlineData("bl..test")]
    [InlineData("bl test")]
    [InlineData("bl.test=")]
    [InlineData("bl.test=127.0.0.x")]
    [InlineData("bl.test=127.0.0.7-4")]
    [InlineData("bl.test=127.0.0.2-300")]
    [InlineData("bl.test=&0")]
    [InlineData("bl.test=::1")]
    [InlineData("bl.test=127.2")]
    public void Bad_zones_and_codes_are_refused_with_a_clear_message(string text)
    {
        var ex = Assert.Throws<FormatException>(() => DnsListZone.Parse(text));
        Assert.False(string.IsNullOrWhiteSpace(ex.Message));
    }

    [Fact]
    public void A_zone_reads_back_as_written()
    {
        Assert.Equal("bl.test=127.0.0.2", DnsListZone.Parse("bl.test.=127.0.0.2").ToString());
        Assert.Null(DnsListZone.Parse("bl.test").Codes);
    }

    [Theory]
    [InlineData("192.0.2.99", "bl.test", "99.2.0.192.bl.test")]
    [InlineData("::ffff:192.0.2.1", "bl.test", "1.2.0.192.bl.test")]

    // RFC 5782 §2.4's example.
    [InlineData("2001:db8:1:2:3:4:567:89ab", "ugly.example.com", "b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.8.b.d.0.1.0.0.2.ugly.example.com")]
    public void The_name_asked_is_the_reversed_address_under_the_zone_nibbles_for_IPv6(string address, string zone, string expected) =>
        Assert.Equal(expected, DnsListName.For(IPAddress.Parse(address), zone));
}
