using MailKitServer.Imap.Catenate;

namespace MailKitServer.Imap.Tests.Catenate;

/// <summary>The relative IMAP URLs CATENATE takes (RFC 4469 §3, RFC 5092 §5).</summary>
public class ImapMessageUrlTests
{
    [Fact]
    public void Parses_the_rfc_examples()
    {
        Assert.True(ImapMessageUrl.TryParse("/Drafts;UIDVALIDITY=385759045/;UID=20/;section=HEADER", out var url));
        Assert.Equal(new ImapMessageUrl("Drafts", 385759045, 20, "HEADER", null, null), url);
        Assert.True(ImapMessageUrl.TryParse("/Drafts;UIDVALIDITY=385759045/;UID=20/;Section=2.MIME", out url));
        Assert.Equal("2.MIME", url.Section);
        Assert.True(ImapMessageUrl.TryParse("/INBOX;UIDVALIDITY=785799047/;UID=11467", out url));
        Assert.Equal(new ImapMessageUrl("INBOX", 785799047, 11467, null, null, null), url);
    }

    [Fact]
    public void Mailbox_names_are_percent_decoded_utf8_with_hierarchy()
    {
        Assert.True(ImapMessageUrl.TryParse("/Lists/K%C3%BCche%20%26%20Co/;uid=5/;PARTIAL=100000.1", out var url));
        Assert.Equal(new ImapMessageUrl("Lists/Küche & Co", null, 5, null, 100000, 1), url);
        Assert.True(ImapMessageUrl.TryParse("/a/;UID=1/;SECTION=HEADER.FIELDS%20(FROM)/;PARTIAL=0", out url));
        Assert.Equal(new ImapMessageUrl("a", null, 1, "HEADER.FIELDS (FROM)", 0, null), url);
    }

    [Theory]
    [InlineData("")]
    [InlineData("INBOX/;UID=1")]                               // not an absolute path
    [InlineData("imap://user@host/INBOX/;UID=1")]              // absolute URLs are outside RFC 4469
    [InlineData("//host/INBOX/;UID=1")]
    [InlineData("/INBOX")]                                     // no message
    [InlineData("/;UID=1")]                                    // no mailbox
    [InlineData("/INBOX/;UID=0")]
    [InlineData("/INBOX/;UID=")]
    [InlineData("/INBOX/;UID=4294967296")]
    [InlineData("/INBOX/;UID=01")]
    [InlineData("/INBOX;UIDVALIDITY=x/;UID=1")]
    [InlineData("/INBOX;UIDVALIDITY=0/;UID=1")]
    [InlineData("/INBOX/;UID=1/")]
    [InlineData("/INBOX/;UID=1/;SECTION=")]
    [InlineData("/INBOX/;UID=1/;PARTIAL=1.0")]
    [InlineData("/INBOX/;UID=1/;PARTIAL=x")]
    [InlineData("/INBOX/;UID=1/;PARTIAL=1/;SECTION=1")]        // order: section before partial
    [InlineData("/INBOX/;UID=1/;URLAUTH=anonymous")]
    [InlineData("/INBOX/;UID=1/;FOO=1")]
    [InlineData("/IN%ZZBOX/;UID=1")]
    [InlineData("/IN%C3BOX/;UID=1")]                           // not UTF-8
    [InlineData("/IN%4/;UID=1")]
    [InlineData("/INBOX;FOO=1/;UID=1")]
    public void Refuses_what_is_not_one_message_of_this_user(string text)
    {
        Assert.False(ImapMessageUrl.TryParse(text, out _));
    }

    [Fact]
    public void Refuses_overlong_urls()
    {
        Assert.False(ImapMessageUrl.TryParse("/" + new string('a', ImapMessageUrl.MaxLength) + "/;UID=1", out _));
    }
}
