using MailKitServer.Imap.Fetch;

namespace MailKitServer.Imap.Tests.Fetch;

public sealed class FetchItemParserTests
{
    [Theory]
    [InlineData("body.peek[1.2.HEADER.FIELDS (From \"To\" x-Y)]<0.100>", "BODY[1.2.HEADER.FIELDS (FROM TO X-Y)]<0>")]
    [InlineData("BODY[]", "BODY[]")]
    [InlineData("BODY[1.MIME]", "BODY[1.MIME]")]
    [InlineData("BODY[TEXT]<5.9223372036854775807>", "BODY[TEXT]<5>")]
    [InlineData("BODY[HEADER.FIELDS.NOT (Subject)]", "BODY[HEADER.FIELDS.NOT (SUBJECT)]")]
    [InlineData("BINARY.PEEK[1.4294967295]", "BINARY[1.4294967295]")]
    [InlineData("BINARY[]<9223372036854775807.1>", "BINARY[]<9223372036854775807>")]
    [InlineData("BINARY.SIZE[2]", "BINARY.SIZE[2]")]
    public void Valid_sections_keep_their_parts_and_name_the_response(string item, string responseName)
    {
        Assert.True(FetchItemParser.TryParse(item, out var parsed, out var error), error);
        Assert.Equal(responseName, parsed.Section!.ResponseName);
    }

    [Fact]
    public void A_section_is_parsed_into_its_typed_parts()
    {
        Assert.True(FetchItemParser.TryParse("BODY.PEEK[3.1.HEADER.FIELDS (Subject \"Date\")]<10.20>", out var item, out _));
        Assert.Equal(FetchItemKind.BodySection, item.Kind);
        var section = item.Section!;
        Assert.True(section.Peek);
        Assert.Equal([3u, 1u], section.Part);
        Assert.Equal(SectionSpec.HeaderFields, section.Spec);
        Assert.Equal(["SUBJECT", "DATE"], section.Fields);
        Assert.Equal(new FetchPartial(10, 20), section.Partial);
        Assert.False(item.SetsSeen);
    }

    [Theory]

    // Issue 15: numbers past their RFC 9051 ranges (nz-number, number64, nz-number64).
    [InlineData("BINARY[1]<99999999999999999999.1>")]
    [InlineData("BODY[]<0.99999999999999999999>")]
    [InlineData("BODY[]<9223372036854775808.1>")]
    [InlineData("BODY[]<0.0>")]
    [InlineData("BODY[]<-1.5>")]
    [InlineData("BINARY[99999999999]")]
    [InlineData("BODY[4294967296]")]
    [InlineData("BODY[0]")]
    [InlineData("BODY[01]")]

    // Malformed sections and partials.
    [InlineData("BODY[1.]")]
    [InlineData("BODY[.1]")]
    [InlineData("BODY[MIME]")]
    [InlineData("BODY[1.TEXTX]")]
    [InlineData("BODY[HEADER.FIELDS]")]
    [InlineData("BODY[HEADER.FIELDS ()]")]
    [InlineData("BODY[HEADER.FIELDS (A:B)]")]
    [InlineData("BODY[HEADER.FIELDS (A  B)]")]
    [InlineData("BODY[HEADER.FIELDS (\"A)]")]
    [InlineData("BODY[]<5>")]
    [InlineData("BODY[]<5.6")]
    [InlineData("BODY[]x")]
    [InlineData("BINARY[TEXT]")]
    [InlineData("BINARY.SIZE[1]<0.5>")]
    [InlineData("BODYX[]")]
    [InlineData("FLAGSX")]
    public void Invalid_items_are_refused(string item)
    {
        Assert.False(FetchItemParser.TryParse(item, out _, out var error));
        Assert.NotNull(error);
    }

    [Fact]
    public void A_partial_never_reaches_past_the_data()
    {
        Assert.Equal((5L, 10L), new FetchPartial(5, long.MaxValue).Within(10));
        Assert.Equal((10L, 10L), new FetchPartial(long.MaxValue, 1).Within(10));
        Assert.Equal((2L, 4L), new FetchPartial(2, 2).Within(10));
    }
}
