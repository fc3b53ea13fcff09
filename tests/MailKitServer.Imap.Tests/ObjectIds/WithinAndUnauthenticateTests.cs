using MailKitServer.TestSupport;
using static MailKitServer.Imap.Tests.Session.ImapTestClient;

namespace MailKitServer.Imap.Tests.ObjectIds;

/// <summary>WITHIN (RFC 5032) and UNAUTHENTICATE (RFC 8437) over the wire.</summary>
public sealed class WithinAndUnauthenticateTests
{
    [Fact]
    public async Task Older_and_younger_compare_the_internal_date_with_now()
    {
        await using var server = await TestMailServer.StartAsync();
        await using var client = await LoginAsync(server);
        var old = DateTimeOffset.UtcNow.AddDays(-2).ToString("dd-MMM-yyyy HH:mm:ss +0000", System.Globalization.CultureInfo.InvariantCulture);
        Assert.StartsWith("a OK", await TaggedAsync(client, $"a APPEND INBOX \"{old}\" {{9+}}\r\nSubject:1"), StringComparison.Ordinal);
        Assert.StartsWith("a OK", await TaggedAsync(client, "a APPEND INBOX {9+}\r\nSubject:2"), StringComparison.Ordinal);
        await TaggedAsync(client, "s SELECT INBOX");
        Assert.Equal(["* SEARCH 1"], await UntaggedAsync(client, "o SEARCH OLDER 86400"));
        Assert.Equal(["* SEARCH 2"], await UntaggedAsync(client, "y SEARCH YOUNGER 86400"));
        Assert.Equal(["* SEARCH 1 2"], await UntaggedAsync(client, "y SEARCH OR YOUNGER 3600 OLDER 172000"));
        Assert.Equal(["* SEARCH"], await UntaggedAsync(client, "y SEARCH YOUNGER 86400 OLDER 86400"));
        foreach (var bad in new[] { "OLDER 0", "YOUNGER", "OLDER -5", "YOUNGER 4294967296", "OLDER x" })
        {
            Assert.StartsWith("x BAD", await TaggedAsync(client, "x SEARCH " + bad), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Unauthenticate_resets_the_session_and_a_pipelined_login_follows()
    {
        await using var server = await TestMailServer.StartAsync();
        await server.AppendAsync("bob@example.test", "Subject: for bob\r\n\r\nx\r\n");
        await using var client = await LoginAsync(server);
        Assert.StartsWith("e OK", await TaggedAsync(client, "e ENABLE CONDSTORE"), StringComparison.Ordinal);
        await TaggedAsync(client, "s SELECT INBOX");
        Assert.StartsWith("x BAD", await TaggedAsync(client, "x UNAUTHENTICATE now"), StringComparison.Ordinal);

        // RFC 8437 §3: OK and the not-authenticated state; a LOGIN may come in the same write.
        await client.SendAsync("u UNAUTHENTICATE\r\nl LOGIN bob@example.test bob-pw\r\n");
        Assert.Equal("u OK Unauthenticated", await client.ReadLineAsync());
        var login = await client.ReadLineAsync() ?? string.Empty;
        Assert.StartsWith("l OK [CAPABILITY ", login, StringComparison.Ordinal);
        Assert.Contains(" UNAUTHENTICATE", login, StringComparison.Ordinal);

        // Bob's INBOX, not alice's; no mailbox selected and CONDSTORE no longer enabled (no HIGHESTMODSEQ).
        Assert.StartsWith("f BAD", await TaggedAsync(client, "f FETCH 1 FLAGS"), StringComparison.Ordinal);
        var select = await UntaggedAsync(client, "s SELECT INBOX");
        Assert.Contains("* 1 EXISTS", select);
        Assert.DoesNotContain(select, l => l.Contains("HIGHESTMODSEQ", StringComparison.Ordinal));

        // Not-authenticated state after UNAUTHENTICATE: mailbox commands are refused until the next login.
        Assert.Equal("u OK Unauthenticated", await TaggedAsync(client, "u UNAUTHENTICATE"));
        Assert.StartsWith("n BAD", await TaggedAsync(client, "n SELECT INBOX"), StringComparison.Ordinal);
        Assert.StartsWith("n BAD", await TaggedAsync(client, "n UNAUTHENTICATE"), StringComparison.Ordinal);
        Assert.StartsWith("l OK", await TaggedAsync(client, "l LOGIN alice@example.test alice-pw"), StringComparison.Ordinal);
    }
}
