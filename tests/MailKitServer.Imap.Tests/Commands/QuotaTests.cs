using System.Text;
using MailKitServer.Storage.Maildir;
using MailKitServer.TestSupport;
using static MailKitServer.Imap.Tests.Session.ImapTestClient;

namespace MailKitServer.Imap.Tests.Commands;

/// <summary>QUOTA (RFC 9208) over the wire, on the in-memory store and on Maildir (whose limits survive a restart).</summary>
public sealed class QuotaTests
{
    private static string Literal(string text) => $"{{{Encoding.UTF8.GetByteCount(text)}+}}\r\n{text}";

    [Theory]
    [InlineData("memory")]
    [InlineData("maildir")]
    public async Task Usage_limits_and_overquota_on_append_copy_and_delivery(string store)
    {
        await WithServerAsync(store, storeMessageLimit: null, async server =>
        {
            await using var alice = await LoginAsync(server);
            var caps = Assert.Single(await UntaggedAsync(alice, "c CAPABILITY"));
            foreach (var cap in new[] { " QUOTA ", " QUOTA=RES-STORAGE ", " QUOTA=RES-MESSAGE ", " QUOTASET" })
            {
                Assert.Contains(cap, caps, StringComparison.Ordinal);
            }

            var message = "Subject: q\r\n\r\n" + new string('x', 1500) + "\r\n";
            Assert.StartsWith("a OK", await TaggedAsync(alice, "a APPEND INBOX " + Literal(message)), StringComparison.Ordinal);
            Assert.Equal(
                ["* QUOTAROOT \"INBOX\" \"alice@example.test\"", "* QUOTA \"alice@example.test\" ()"],
                await UntaggedAsync(alice, "q GETQUOTAROOT INBOX"));

            // Only an administrator sets limits; a user cannot see another user's root.
            Assert.StartsWith("s NO [NOPERM]", await TaggedAsync(alice, "s SETQUOTA \"alice@example.test\" (STORAGE 3)"), StringComparison.Ordinal);
            Assert.StartsWith("g NO [NONEXISTENT]", await TaggedAsync(alice, "g GETQUOTA \"bob@example.test\""), StringComparison.Ordinal);
            await using var bob = await LoginAsync(server, "bob@example.test", "bob-pw");
            Assert.Equal(["* QUOTA \"alice@example.test\" (STORAGE 2 3 MESSAGE 1 2)"], await UntaggedAsync(bob, "s SETQUOTA \"alice@example.test\" (STORAGE 3 MESSAGE 2)"));
            Assert.StartsWith("s BAD", await TaggedAsync(bob, "s SETQUOTA \"alice@example.test\" (STORAGE)"), StringComparison.Ordinal);
            Assert.StartsWith("s NO", await TaggedAsync(bob, "s SETQUOTA \"alice@example.test\" (FOLDERS 3)"), StringComparison.Ordinal);

            // STORAGE 3 KiB: a second message of 1.5 KB fits, a third does not; then MESSAGE 2 stops a COPY.
            Assert.Equal(["* QUOTA \"alice@example.test\" (STORAGE 2 3 MESSAGE 1 2)"], await UntaggedAsync(alice, "g GETQUOTA \"alice@example.test\""));
            Assert.StartsWith("a OK", await TaggedAsync(alice, "a APPEND INBOX " + Literal(message)), StringComparison.Ordinal);
            Assert.StartsWith("a NO [OVERQUOTA]", await TaggedAsync(alice, "a APPEND INBOX " + Literal("Subject: small\r\n\r\nx\r\n")), StringComparison.Ordinal);
            await TaggedAsync(alice, "s SELECT INBOX");
            Assert.StartsWith("k NO [OVERQUOTA]", await TaggedAsync(alice, "k COPY 1 Trash"), StringComparison.Ordinal);
            Assert.StartsWith("m OK", await TaggedAsync(alice, "m MOVE 1 Trash"), StringComparison.Ordinal);

            // SMTP delivery to a full mailbox: 552 5.2.2 (RFC 3463), nothing stored.
            await AssertDeliveryRefusedAsync(server);

            // STATUS DELETED-STORAGE (RFC 9208 §4.2.1).
            Assert.StartsWith("t OK", await TaggedAsync(alice, "t STORE 1 +FLAGS.SILENT (\\Deleted)"), StringComparison.Ordinal);
            Assert.Equal(["* STATUS \"INBOX\" (DELETED 1 DELETED-STORAGE 2)"], await UntaggedAsync(alice, "s STATUS INBOX (DELETED DELETED-STORAGE)"));

            // SETQUOTA with no resources removes every limit.
            Assert.Equal(["* QUOTA \"alice@example.test\" ()"], await UntaggedAsync(bob, "s SETQUOTA \"alice@example.test\" ()"));
            Assert.StartsWith("a OK", await TaggedAsync(alice, "a APPEND INBOX " + Literal(message)), StringComparison.Ordinal);
        });
    }

    [Theory]
    [InlineData("memory")]
    [InlineData("maildir")]
    public async Task Limits_from_the_directory_are_reported_and_enforced_until_an_administrator_sets_others(string store)
    {
        await WithServerAsync(store, storeMessageLimit: 50, async server =>
        {

            // STORAGE 3 KiB from the directory; MESSAGE left to the store (Maildir's default 50, none in memory).
            server.Directory.SetQuota("alice@example.test", new Users.UserQuota(3 * 1024, null));
            await using var alice = await LoginAsync(server);
            var message = "Subject: q\r\n\r\n" + new string('x', 1520) + "\r\n"; // 1536 octets: two fill 3 KiB exactly
            Assert.StartsWith("a OK", await TaggedAsync(alice, "a APPEND INBOX " + Literal(message)), StringComparison.Ordinal);
            var messages = store == "maildir" ? " MESSAGE 1 50" : "";
            Assert.Equal(
                ["* QUOTAROOT \"INBOX\" \"alice@example.test\"", $"* QUOTA \"alice@example.test\" (STORAGE 2 3{messages})"],
                await UntaggedAsync(alice, "q GETQUOTAROOT INBOX"));
            Assert.StartsWith("a OK", await TaggedAsync(alice, "a APPEND INBOX " + Literal(message)), StringComparison.Ordinal);
            Assert.StartsWith("a NO [OVERQUOTA]", await TaggedAsync(alice, "a APPEND INBOX " + Literal("Subject: small\r\n\r\nx\r\n")), StringComparison.Ordinal);
            await TaggedAsync(alice, "s SELECT INBOX");
            Assert.StartsWith("k NO [OVERQUOTA]", await TaggedAsync(alice, "k COPY 1 Trash"), StringComparison.Ordinal);
            Assert.StartsWith("m OK", await TaggedAsync(alice, "m MOVE 1 Trash"), StringComparison.Ordinal);
            await AssertDeliveryRefusedAsync(server);

            // A change in the directory applies at the next check: MESSAGE 2 now, STORAGE raised.
            server.Directory.SetQuota("alice@example.test", new Users.UserQuota(100 * 1024, 2));
            Assert.Equal(["* QUOTA \"alice@example.test\" (STORAGE 3 100 MESSAGE 2 2)"], await UntaggedAsync(alice, "g GETQUOTA \"alice@example.test\""));
            Assert.StartsWith("a NO [OVERQUOTA]", await TaggedAsync(alice, "a APPEND INBOX " + Literal("Subject: small\r\n\r\nx\r\n")), StringComparison.Ordinal);

            // An administrator's SETQUOTA wins over the directory, also when it removes every limit.
            await using var bob = await LoginAsync(server, "bob@example.test", "bob-pw");
            Assert.Equal(["* QUOTA \"alice@example.test\" ()"], await UntaggedAsync(bob, "s SETQUOTA \"alice@example.test\" ()"));
            Assert.Equal(["* QUOTA \"alice@example.test\" ()"], await UntaggedAsync(alice, "g GETQUOTA \"alice@example.test\""));
            Assert.StartsWith("a OK", await TaggedAsync(alice, "a APPEND INBOX " + Literal(message)), StringComparison.Ordinal);

            // Bob has no directory quota: the store's defaults (Maildir's MESSAGE 50; nothing in memory).
            Assert.Equal([$"* QUOTA \"bob@example.test\" ({messages.TrimStart().Replace("1", "0", StringComparison.Ordinal)})"], await UntaggedAsync(bob, "g GETQUOTA \"bob@example.test\""));
        });
    }

    [Theory]
    [InlineData("memory")]
    [InlineData("maildir")]
    public async Task Replace_counts_the_quota_net_of_the_replaced_message(string store)
    {
        await WithServerAsync(store, storeMessageLimit: null, async server =>
        {
            static string Draft(char fill, int octets) => "Subject: d\r\n\r\n" + new string(fill, octets - 16) + "\r\n";

            // Full on both resources: STORAGE 3 KiB in two messages of 1536 octets, MESSAGE 2.
            server.Directory.SetQuota("alice@example.test", new Users.UserQuota(3 * 1024, 2));
            await using var alice = await LoginAsync(server);
            Assert.StartsWith("a OK", await TaggedAsync(alice, "a APPEND Drafts " + Literal(Draft('a', 1536))), StringComparison.Ordinal);
            Assert.StartsWith("a OK", await TaggedAsync(alice, "a APPEND Drafts " + Literal(Draft('b', 1536))), StringComparison.Ordinal);
            Assert.StartsWith("a NO [OVERQUOTA]", await TaggedAsync(alice, "a APPEND Drafts " + Literal(Draft('c', 1536))), StringComparison.Ordinal);
            await TaggedAsync(alice, "s SELECT Drafts");

            // RFC 8508 §3.4: a replacement of the same size changes nothing net, so it is stored though an APPEND is not.
            var replaced = await UntaggedAsync(alice, "r UID REPLACE 1 Drafts " + Literal(Draft('c', 1536)));
            Assert.Contains("* OK [APPENDUID", replaced[0], StringComparison.Ordinal);
            Assert.Contains("* 1 EXPUNGE", replaced);

            // One octet more than the replaced message goes past STORAGE: refused, and the old message stays.
            Assert.StartsWith("r NO [OVERQUOTA]", await TaggedAsync(alice, "r UID REPLACE 2 Drafts " + Literal(Draft('d', 1537))), StringComparison.Ordinal);
            Assert.Equal(["* 1 FETCH (UID 2)", "* 2 FETCH (UID 3)"], await UntaggedAsync(alice, "f FETCH 1:* (UID)"));

            // Over a lowered limit, a smaller replacement is still stored (it adds to no resource).
            await using var bob = await LoginAsync(server, "bob@example.test", "bob-pw");
            await TaggedAsync(bob, "q SETQUOTA \"alice@example.test\" (STORAGE 1 MESSAGE 1)");
            Assert.StartsWith("a NO [OVERQUOTA]", await TaggedAsync(alice, "a APPEND Drafts " + Literal(Draft('e', 100))), StringComparison.Ordinal);
            Assert.StartsWith("r OK", await TaggedAsync(alice, "r UID REPLACE 2 Drafts " + Literal(Draft('e', 100))), StringComparison.Ordinal);
            Assert.Equal(["* QUOTA \"alice@example.test\" (STORAGE 2 1 MESSAGE 2 1)"], await UntaggedAsync(alice, "g GETQUOTA \"alice@example.test\""));
        });
    }

    /// <summary>
    /// Runs a test against a server where bob is a quota administrator, on the in-memory store or on a Maildir store
    /// whose quota directory is the server's (stopped and its folder removed afterwards).
    /// </summary>
    private static async Task WithServerAsync(string store, long? storeMessageLimit, Func<TestMailServer, Task> test)
    {
        var root = Directory.CreateTempSubdirectory("mks-quota").FullName;
        var options = new MaildirStoreOptions { Root = root, QuotaMessages = storeMessageLimit };
        var maildir = store == "maildir" ? new MaildirMessageStore(options) : null;
        try
        {
            await using var server = await TestMailServer.StartAsync(
                configure: maildir is null ? null : b => b.UseStore(maildir),
                imap: o => o.QuotaAdministrators.Add("bob@example.test"));
            options.QuotaDirectory = server.Directory;
            await test(server);
        }
        finally
        {
            if (maildir is not null)
            {
                await maildir.DisposeAsync();
            }

            TempDirectories.Delete(root);
        }
    }

    /// <summary>SMTP delivery to alice's full mailbox: 552 5.2.2 (RFC 3463), nothing stored.</summary>
    private static async Task AssertDeliveryRefusedAsync(TestMailServer server)
    {
        await using var smtp = await LineClient.ConnectAsync(server.Smtp);
        await smtp.ReadLineAsync();
        await smtp.CommandAsync("EHLO client.test");
        Assert.StartsWith("250", await smtp.CommandAsync("MAIL FROM:<x@remote.test>"), StringComparison.Ordinal);
        Assert.StartsWith("250", await smtp.CommandAsync("RCPT TO:<alice@example.test>"), StringComparison.Ordinal);
        Assert.StartsWith("354", await smtp.CommandAsync("DATA"), StringComparison.Ordinal);
        Assert.StartsWith("552 5.2.2", await smtp.CommandAsync("Subject: full\r\n\r\nx\r\n."), StringComparison.Ordinal);
    }
}
