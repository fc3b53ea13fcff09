using MailKitServer.Imap.Search;

namespace MailKitServer.Imap.Tests.Search;

public class SearchReturnOptionsTests
{
    [Fact]
    public void Parses_every_option_split_at_every_byte_boundary()
    {
        WireTokens.ForEachSplit("a SEARCH RETURN (min MAX all COUNT save CONTEXT update) ALL", args =>
        {
            Assert.True(SearchReturnOptions.TryParse(args[1], out var options, out var error), error);
            Assert.Equal(SearchReturnOption.Min | SearchReturnOption.Max | SearchReturnOption.All | SearchReturnOption.Count | SearchReturnOption.Save | SearchReturnOption.Context | SearchReturnOption.Update, options.Options);
            Assert.Null(options.Partial);
        });
        WireTokens.ForEachSplit("a UID SORT RETURN (PARTIAL 7:3 COUNT) (DATE) UTF-8 ALL", args =>
        {
            Assert.True(SearchReturnOptions.TryParse(args[2], out var options, out var error), error);
            Assert.Equal(SearchReturnOption.Partial | SearchReturnOption.Count, options.Options);
            Assert.Equal(new PartialRange(3, 7), options.Partial);
        });
    }

    [Fact]
    public void An_empty_list_means_all_and_save_alone_sends_nothing()
    {
        Assert.True(SearchReturnOptions.TryParse(WireTokens.Parse("a SEARCH RETURN () ALL")[1], out var empty, out _));
        Assert.Equal(SearchReturnOption.All, empty.Options);
        Assert.True(empty.SendsResponse);
        Assert.True(SearchReturnOptions.TryParse(WireTokens.Parse("a SEARCH RETURN (SAVE) ALL")[1], out var save, out _));
        Assert.False(save.SendsResponse);
        Assert.True(SearchReturnOptions.TryParse(WireTokens.Parse("a SEARCH RETURN (UPDATE) ALL")[1], out var update, out _));
        Assert.True(update.SendsResponse);
    }

    [Theory]
    [InlineData("(PARTIAL 1)", "PARTIAL needs one range such as 1:100")]
    [InlineData("(PARTIAL 1:*)", "PARTIAL needs one range such as 1:100")]
    [InlineData("(PARTIAL *:1)", "PARTIAL needs one range such as 1:100")]
    [InlineData("(PARTIAL)", "PARTIAL needs one range such as 1:100")]
    [InlineData("(PARTIAL 1:2 PARTIAL 3:4)", "PARTIAL needs one range such as 1:100")]
    [InlineData("(PARTIAL 1:5 ALL)", "PARTIAL and ALL cannot be combined")]
    [InlineData("(FOO)", "Unsupported RETURN option FOO")]
    [InlineData("((MIN))", "Invalid RETURN option")]
    [InlineData("MIN", "RETURN needs a parenthesised list")]
    public void Refuses_invalid_options(string list, string message)
    {
        Assert.False(SearchReturnOptions.TryParse(WireTokens.Parse("a SEARCH RETURN " + list + " ALL")[1], out _, out var error));
        Assert.Equal(message, error);
    }
}
