using MailKitServer.Storage.Acl;

namespace MailKitServer.Tests.Storage;

/// <summary>Rights letters of RFC 4314 §2.1, with the obsolete "c" and "d" of §2.1.1.</summary>
public sealed class MailboxRightsTextTests
{
    [Theory]
    [InlineData("", MailboxRights.None)]
    [InlineData("lr", MailboxRights.Lookup | MailboxRights.Read)]
    [InlineData("lrswipkxtea", MailboxRights.All)]
    [InlineData("c", MailboxRights.CreateMailbox)]
    [InlineData("d", MailboxRights.DeleteMailbox | MailboxRights.DeleteMessages | MailboxRights.Expunge)]
    [InlineData("ltd", MailboxRights.Lookup | MailboxRights.DeleteMailbox | MailboxRights.DeleteMessages | MailboxRights.Expunge)]
    public void Letters_parse_to_rights(string text, MailboxRights expected)
    {
        Assert.True(MailboxRightsText.TryParse(text, out var rights));
        Assert.Equal(expected, rights);
    }

    [Theory]
    [InlineData("lrQ")]
    [InlineData("q")]
    [InlineData("L")]
    [InlineData("1")]
    [InlineData("l r")]
    public void An_unknown_or_upper_case_letter_fails_the_whole_string(string text) =>
        Assert.False(MailboxRightsText.TryParse(text, out _));

    [Theory]
    [InlineData(MailboxRights.None, "", "")]
    [InlineData(MailboxRights.Lookup | MailboxRights.Read, "lr", "lr")]
    [InlineData(MailboxRights.CreateMailbox, "k", "kc")]
    [InlineData(MailboxRights.Expunge, "e", "ed")]
    [InlineData(MailboxRights.All, "lrswipkxtea", "lrswipkxteacd")]
    public void Rights_format_with_the_virtual_rights_only_for_imap(MailboxRights rights, string plain, string imap)
    {
        Assert.Equal(plain, MailboxRightsText.Format(rights));
        Assert.Equal(imap, MailboxRightsText.FormatForImap(rights));
    }
}
