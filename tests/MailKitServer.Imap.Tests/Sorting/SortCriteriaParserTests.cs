using MailKitServer.Imap.Sorting;

namespace MailKitServer.Imap.Tests.Sorting;

public class SortCriteriaParserTests
{
    [Fact]
    public void Parses_keys_and_reverse_split_at_every_byte_boundary()
    {
        SortCriterion[] expected =
        [
            new(SortField.Arrival, false), new(SortField.Cc, true), new(SortField.Date, false), new(SortField.From, false),
            new(SortField.Size, true), new(SortField.Subject, false), new(SortField.To, false), new(SortField.DisplayFrom, true),
            new(SortField.DisplayTo, false),
        ];
        WireTokens.ForEachSplit("a SORT (arrival REVERSE cc Date FROM reverse SIZE subject TO REVERSE DISPLAYFROM displayto) UTF-8 ALL", args =>
        {
            Assert.True(SortCriteriaParser.TryParse(args[0], out var criteria, out var error), error);
            Assert.Equal(expected, criteria);
        });
    }

    [Theory]
    [InlineData("()", "Empty sort criteria")]
    [InlineData("(REVERSE)", "REVERSE must be followed by a sort key")]
    [InlineData("(REVERSE REVERSE DATE)", "REVERSE must be followed by a sort key")]
    [InlineData("(DATE REVERSE)", "REVERSE must be followed by a sort key")]
    [InlineData("(MODSEQ)", "Unknown sort criterion MODSEQ")]
    [InlineData("(\"DATE\")", "Invalid sort criterion")]
    [InlineData("((DATE))", "Invalid sort criterion")]
    [InlineData("DATE", "Sort criteria must be a parenthesised list")]
    public void Refuses_invalid_criteria(string list, string message)
    {
        var args = WireTokens.Parse("a SORT " + list + " UTF-8 ALL");
        Assert.False(SortCriteriaParser.TryParse(args[0], out _, out var error));
        Assert.Equal(message, error);
    }

    [Fact]
    public void Refuses_more_criteria_than_make_sense()
    {
        var list = "(" + string.Join(' ', Enumerable.Repeat("DATE", SortCriteriaParser.MaxCriteria + 1)) + ")";
        Assert.False(SortCriteriaParser.TryParse(WireTokens.Parse("a SORT " + list + " UTF-8 ALL")[0], out _, out var error));
        Assert.Equal("Too many sort criteria", error);
    }
}
