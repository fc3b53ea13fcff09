using MailKitServer.TestSupport;
using static MailKitServer.Imap.Tests.Session.ImapTestClient;

namespace MailKitServer.Imap.Tests.Acl;

/// <summary>REPLACE (RFC 8508) in a shared mailbox needs "t" and "e" on the source, as MOVE does (RFC 4314 §4).</summary>
public sealed class ReplaceRightsTests
{
    [Fact]
    public async Task Replace_without_t_and_e_is_refused_and_changes_nothing()
    {
        await using var server = await TestMailServer.StartAsync();
        await using var alice = await LoginAsync(server);
        Assert.StartsWith("c OK", await TaggedAsync(alice, "c CREATE Projects"), StringComparison.Ordinal);
        Assert.StartsWith("a OK", await TaggedAsync(alice, "a APPEND Projects {9+}\r\nSubject:1"), StringComparison.Ordinal);
        Assert.StartsWith("a OK", await TaggedAsync(alice, "a SETACL Projects bob@example.test lrsiw"), StringComparison.Ordinal);

        await using var bob = await LoginAsync(server, "bob@example.test", "bob-pw");
        await UntaggedAsync(bob, "s SELECT \"Other Users/alice@example.test/Projects\"");
        Assert.StartsWith("r NO [NOPERM]", await TaggedAsync(bob, "r UID REPLACE 1 \"Other Users/alice@example.test/Projects\" {9+}\r\nSubject:2"), StringComparison.Ordinal);
        Assert.Equal(["* STATUS \"Projects\" (MESSAGES 1 UIDNEXT 2)"], await UntaggedAsync(alice, "t STATUS Projects (MESSAGES UIDNEXT)"));

        Assert.StartsWith("a OK", await TaggedAsync(alice, "a SETACL Projects bob@example.test lrsiwte"), StringComparison.Ordinal);
        await UntaggedAsync(bob, "s SELECT \"Other Users/alice@example.test/Projects\"");
        Assert.StartsWith("r OK", await TaggedAsync(bob, "r UID REPLACE 1 \"Other Users/alice@example.test/Projects\" {9+}\r\nSubject:2"), StringComparison.Ordinal);
        Assert.Equal(["* STATUS \"Projects\" (MESSAGES 1 UIDNEXT 3)"], await UntaggedAsync(alice, "t STATUS Projects (MESSAGES UIDNEXT)"));
    }
}
