using MailKitServer.Addresses;
using MailKitServer.Storage;

namespace MailKitServer.Tests.Addresses;

public class MailAddressTests
{
    [Theory]
    [InlineData("user@example.test", "user", "example.test")]
    [InlineData("first.last+tag@sub.example.test", "first.last+tag", "sub.example.test")]
    [InlineData("\"john doe\"@example.test", "john doe", "example.test")]
    [InlineData("\"a\\\"b\"@example.test", "a\"b", "example.test")]
    [InlineData("postmaster@[127.0.0.1]", "postmaster", "[127.0.0.1]")]
    [InlineData("x@[IPv6:::1]", "x", "[IPv6:::1]")]
    public void Valid_addresses_parse(string text, string local, string domain)
    {
        Assert.True(MailAddress.TryParse(text, allowUtf8: false, out var a));
        Assert.Equal(local, a!.LocalPart);
        Assert.Equal(domain, a.Domain);
    }

    [Theory]
    [InlineData("")]
    [InlineData("nodomain")]
    [InlineData("@example.test")]
    [InlineData("a..b@example.test")]
    [InlineData(".a@example.test")]
    [InlineData("a@-example.test")]
    [InlineData("a@example..test")]
    [InlineData("a b@example.test")]
    [InlineData("a@[300.1.1.1]")]
    [InlineData("\"unterminated@example.test")]
    public void Invalid_addresses_are_refused(string text) => Assert.False(MailAddress.TryParse(text, allowUtf8: false, out _));

    [Fact]
    public void Utf8_addresses_need_permission()
    {
        Assert.False(MailAddress.TryParse("josé@exämple.test", allowUtf8: false, out _));
        Assert.True(MailAddress.TryParse("josé@exämple.test", allowUtf8: true, out var a));
        Assert.Equal("josé@exämple.test", a!.Address);
    }

    [Fact]
    public void Quoting_round_trips_and_domain_case_is_ignored()
    {
        var a = MailAddress.Create("john doe", "Example.TEST");
        Assert.Equal("\"john doe\"@Example.TEST", a.Address);
        Assert.Equal(a, MailAddress.Create("john doe", "example.test"));
    }

    [Fact]
    public void Uid_sets_merge_ranges_and_answer_membership()
    {
        var set = UidSet.FromRanges([new UidRange(5, 7), new UidRange(1, 2), new UidRange(3, 3), new UidRange(10, 9)]);
        Assert.Equal("1:3,5:7,9:10", set.ToString());
        Assert.Equal(8, set.Count);
        Assert.True(set.Contains(6));
        Assert.False(set.Contains(4));
        Assert.False(set.Contains(8));
        Assert.Equal([1u, 2, 3, 5, 6, 7, 9, 10], set.ToArray());
        Assert.True(UidSet.Empty.IsEmpty);
    }
}
