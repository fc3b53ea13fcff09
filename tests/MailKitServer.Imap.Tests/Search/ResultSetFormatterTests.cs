using MailKitServer.Imap.Search;

namespace MailKitServer.Imap.Tests.Search;

public class ResultSetFormatterTests
{
    [Theory]
    [InlineData(new uint[0], "")]
    [InlineData(new uint[] { 1 }, "1")]
    [InlineData(new uint[] { 1, 2, 3, 5 }, "1:3,5")]
    [InlineData(new uint[] { 5, 3, 4, 2, 1 }, "5,3:4,2,1")]        // order kept; only ascending runs become ranges
    [InlineData(new uint[] { 23765, 23764, 23763 }, "23765,23764,23763")] // RFC 5267 §3.3: never 23765:23763
    [InlineData(new uint[] { 4294967294, 4294967295, 1 }, "4294967294:4294967295,1")]
    public void Keeps_order_and_makes_ascending_ranges(uint[] numbers, string expected)
    {
        Assert.Equal(expected, ResultSetFormatter.Format(numbers));
    }
}
