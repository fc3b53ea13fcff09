using MailKitServer.Imap.Search;

namespace MailKitServer.Imap.Tests.Search;

public class PartialRangeTests
{
    [Theory]
    [InlineData("1:1", "1:1")]
    [InlineData("2:4", "2:4")]
    [InlineData("4:2", "2:4")]                      // RFC 5267 §5: 500:400 is the same as 400:500
    [InlineData("-1:-10", "-1:-10")]                // RFC 9394: from the end
    [InlineData("-10:-1", "-1:-10")]
    [InlineData("4294967295:1", "1:4294967295")]
    public void Parses_and_normalises(string text, string normalised)
    {
        Assert.True(PartialRange.TryParse(text, out var range));
        Assert.Equal(normalised, range.ToString());
    }

    [Theory]
    [InlineData("1")]
    [InlineData("1:*")]
    [InlineData("*:1")]
    [InlineData("0:5")]
    [InlineData("1:-5")]
    [InlineData("-0:-5")]
    [InlineData("01:5")]
    [InlineData("1:4294967296")]
    [InlineData("1:99999999999999999999")]
    [InlineData("+1:5")]
    [InlineData(" 1:5")]
    [InlineData("")]
    [InlineData(":")]
    public void Refuses_invalid_ranges(string text)
    {
        Assert.False(PartialRange.TryParse(text, out _));
    }

    [Theory]
    [InlineData("1:1", 5, 0, 1)]
    [InlineData("2:4", 5, 1, 3)]
    [InlineData("1:6", 5, 0, 5)]
    [InlineData("6:6", 5, 0, 0)]
    [InlineData("5:10", 4, 0, 0)]
    [InlineData("-1:-1", 5, 4, 1)]
    [InlineData("-2:-10", 5, 0, 4)]
    [InlineData("-6:-9", 5, 0, 0)]
    [InlineData("1:4294967295", 3, 0, 3)]
    public void Selects_what_exists(string text, int count, int start, int length)
    {
        Assert.True(PartialRange.TryParse(text, out var range));
        Assert.Equal((start, length), range.Select(count));
    }
}
