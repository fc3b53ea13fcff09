using System.Text;
using MailKitServer.Imap.Sorting;

namespace MailKitServer.Imap.Tests.Sorting;

/// <summary>
/// i;unicode-casemap (RFC 5051): simple titlecase, then full decomposition, compared as UTF-8. The characters below
/// were checked against Dovecot 2.3's uni_utf8_to_decomposed_titlecase (which decomposes one level only; where
/// that differs, RFC 5051's full decomposition is what we do).
/// </summary>
public class UnicodeCasemapTests
{
    [Theory]
    [InlineData("abc", "ABC")]
    [InlineData("a[b]_c", "A[B]_C")]
    [InlineData("é", "E\u0301")]             // titlecase É, decomposed
    [InlineData("É", "E\u0301")]
    [InlineData("E\u0301", "E\u0301")]
    [InlineData("ǆ", "Dz\u030C")]            // titlecase ǅ (not upper Ǆ), then decomposed
    [InlineData("Ǆ", "Dz\u030C")]
    [InlineData("ß", "ß")]                   // no simple titlecase mapping
    [InlineData("ı", "I")]                   // dotless i titlecases to I
    [InlineData("µ", "Μ")]                   // micro sign: Greek capital mu
    [InlineData("ﬁ", "fi")]                  // compatibility decomposition of the titlecased code point
    [InlineData("Ａ", "A")]                   // fullwidth A
    [InlineData("ა", "ა")]                   // Georgian Mkhedruli is its own titlecase
    [InlineData("Å", "A\u030A")]             // Angstrom sign: fully decomposed
    [InlineData("ǖ", "U\u0308\u0304")]
    public void Keys_are_titlecased_and_decomposed(string text, string key)
    {
        Assert.Equal(key, Encoding.UTF8.GetString(UnicodeCasemap.Key(text)));
    }

    [Fact]
    public void Case_and_composition_do_not_matter_but_accents_do()
    {
        Assert.Equal(0, Compare("Café", "CAFE\u0301"));
        Assert.Equal(0, Compare("straße", "STRAßE"));
        Assert.NotEqual(0, Compare("cafe", "café"));
    }

    [Fact]
    public void The_empty_string_collates_first_and_order_is_by_code_point()
    {
        Assert.True(Compare(string.Empty, "a") < 0);
        Assert.True(Compare("a", "b") < 0);
        Assert.True(Compare("Z", "[") < 0);                // 'Z' 0x5A before '[' 0x5B, as i;ascii-casemap
        Assert.True(Compare("b", "B (a)") < 0);            // a prefix first
        Assert.True(Compare("\uFF5E", "\U0001F600") < 0);  // code point order, not UTF-16 order (surrogates)
    }

    [Fact]
    public void Unassigned_code_points_and_lone_surrogates_are_kept_not_rejected()
    {
        Assert.Equal("\uFFFD", Encoding.UTF8.GetString(UnicodeCasemap.Key("\uD800")));
        Assert.Equal("\U000E0080", Encoding.UTF8.GetString(UnicodeCasemap.Key("\U000E0080")));
        Assert.Equal("\U000F0000", Encoding.UTF8.GetString(UnicodeCasemap.Key("\U000F0000"))); // private use
    }

    private static int Compare(string a, string b) => UnicodeCasemap.Compare(UnicodeCasemap.Key(a), UnicodeCasemap.Key(b));
}
