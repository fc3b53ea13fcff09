using System.Text;
using System.Text.RegularExpressions;
using MailKitServer.Storage.Maildir;
using MailKitServer.TestSupport;
using static MailKitServer.Imap.Tests.Session.ImapTestClient;

namespace MailKitServer.Imap.Tests.ObjectIds;

/// <summary>
/// OBJECTID (RFC 8474) and SAVEDATE (RFC 8514) over the wire, on the in-memory store and on Maildir (whose ids and
/// save dates must survive a restart of the store).
/// </summary>
public sealed partial class ObjectIdTests
{
    private const string MessageA = "From: a@example.test\r\nSubject: Message A\r\nMessage-ID: <a.1@example.test>\r\n\r\nfirst\r\n";
    private const string MessageB = "From: b@example.test\r\nSubject: Re: Message A\r\nMessage-ID: <b.2@example.test>\r\nReferences: <a.1@example.test>\r\n\r\nreply\r\n";
    private const string MessageC = "From: c@example.test\r\nSubject: Message C\r\nMessage-ID: <c.3@example.test>\r\n\r\nother\r\n";

    [GeneratedRegex(@"^\* (\d+) FETCH \(EMAILID \(([A-Za-z0-9_-]+)\) THREADID \(([A-Za-z0-9_-]+)\) SAVEDATE ""([^""]+)""\)$")]
    private static partial Regex FetchLine();

    private static string Literal(string text) => $"{{{Encoding.UTF8.GetByteCount(text)}+}}\r\n{text}";

    private static async Task<List<(string EmailId, string ThreadId, string SaveDate)>> IdsAsync(LineClient client)
    {
        var lines = await UntaggedAsync(client, "f FETCH 1:* (EMAILID THREADID SAVEDATE)");
        return lines.Select(l => FetchLine().Match(l)).Select(m =>
        {
            Assert.True(m.Success);
            return (m.Groups[2].Value, m.Groups[3].Value, m.Groups[4].Value);
        }).ToList();
    }

    private static string MailboxId(string line)
    {
        var m = Regex.Match(line, @"MAILBOXID \(([A-Za-z0-9_-]{1,255})\)");
        Assert.True(m.Success, line);
        return m.Groups[1].Value;
    }

    private static async Task WithServerAsync(string store, string root, Func<TestMailServer, Task> test)
    {
        var maildir = store == "maildir" ? new MaildirMessageStore(new MaildirStoreOptions { Root = root }) : null;
        try
        {
            await using var server = await TestMailServer.StartAsync(configure: maildir is null ? null : b => b.UseStore(maildir));
            await test(server);
        }
        finally
        {
            if (maildir is not null)
            {
                await maildir.DisposeAsync();
            }
        }
    }

    [Theory]
    [InlineData("memory")]
    [InlineData("maildir")]
    public async Task Mailbox_email_and_thread_ids_and_save_dates_follow_the_rfcs(string store)
    {
        var root = Directory.CreateTempSubdirectory("mks-objectid").FullName;
        try
        {
            string inboxId = string.Empty, projectsId = string.Empty;
            List<(string EmailId, string ThreadId, string SaveDate)> before = [], copied = [];
            await WithServerAsync(store, root, async server =>
            {
                await using var client = await LoginAsync(server);
                var caps = Assert.Single(await UntaggedAsync(client, "c CAPABILITY"));
                foreach (var cap in new[] { " OBJECTID", " SAVEDATE", " WITHIN", " UNAUTHENTICATE" })
                {
                    Assert.Contains(cap, caps, StringComparison.Ordinal);
                }

                foreach (var message in new[] { MessageA, MessageB, MessageC })
                {
                    Assert.StartsWith("a OK [APPENDUID", await TaggedAsync(client, "a APPEND INBOX " + Literal(message)), StringComparison.Ordinal);
                }

                // RFC 8474 §4.1-4.3: CREATE, SELECT and STATUS name the same MAILBOXID; two mailboxes never share one.
                projectsId = MailboxId(await TaggedAsync(client, "b CREATE Projects"));
                Assert.Equal(projectsId, MailboxId(Assert.Single(await UntaggedAsync(client, "s STATUS Projects (MAILBOXID)"))));
                var select = await UntaggedAsync(client, "s SELECT INBOX");
                inboxId = MailboxId(Assert.Single(select, l => l.StartsWith("* OK [MAILBOXID ", StringComparison.Ordinal)));
                Assert.NotEqual(inboxId, projectsId);
                Assert.Equal($"* STATUS \"INBOX\" (MESSAGES 3 MAILBOXID ({inboxId}))", Assert.Single(await UntaggedAsync(client, "t STATUS INBOX (MESSAGES MAILBOXID)")));

                // RFC 8474 §5: one EMAILID each, the reply in its root's thread, the other message in a thread of its own.
                before = await IdsAsync(client);
                Assert.Equal(3, before.Select(i => i.EmailId).Distinct().Count());
                Assert.Equal(before[0].ThreadId, before[1].ThreadId);
                Assert.NotEqual(before[0].ThreadId, before[2].ThreadId);
                Assert.All(before, i => Assert.DoesNotContain(i.EmailId, before.Select(t => t.ThreadId)));
                Assert.Equal(["* SEARCH 2"], await UntaggedAsync(client, "e SEARCH EMAILID " + before[1].EmailId));
                Assert.Equal(["* SEARCH 1 2"], await UntaggedAsync(client, "e SEARCH THREADID " + before[0].ThreadId));
                Assert.Equal(["* SEARCH"], await UntaggedAsync(client, "e SEARCH EMAILID Mnothing"));

                // RFC 8514: every message has a save date; the date keys match it (today), SAVEDATESUPPORTED all.
                var today = DateTimeOffset.UtcNow;
                Assert.Equal(["* SEARCH 1 2 3"], await UntaggedAsync(client, "d SEARCH SAVEDATESUPPORTED SAVEDSINCE " + today.AddDays(-1).ToString("d-MMM-yyyy", System.Globalization.CultureInfo.InvariantCulture)));
                Assert.Equal(["* SEARCH"], await UntaggedAsync(client, "d SEARCH SAVEDBEFORE 1-Jan-2000"));

                // RFC 8474 §5.1: COPY and MOVE keep the EMAILID; RFC 8514 §3: the copy is saved anew.
                Assert.StartsWith("k OK [COPYUID", await TaggedAsync(client, "k COPY 1 Projects"), StringComparison.Ordinal);
                Assert.StartsWith("m OK", await TaggedAsync(client, "m MOVE 2 Projects"), StringComparison.Ordinal);
                await TaggedAsync(client, "s SELECT Projects");
                copied = await IdsAsync(client);
                Assert.Equal([before[0].EmailId, before[1].EmailId], copied.Select(c => c.EmailId));
                Assert.Equal([before[0].ThreadId, before[1].ThreadId], copied.Select(c => c.ThreadId));
                Assert.Equal(["* SEARCH 2"], await UntaggedAsync(client, "e UID SEARCH EMAILID " + before[1].EmailId));
            });

            if (store != "maildir")
            {
                return;
            }

            // A new store on the same Maildir (a restart): the same ids and save dates, the copies' EMAILIDs included.
            await WithServerAsync(store, root, async server =>
            {
                await using var client = await LoginAsync(server);
                Assert.Equal(projectsId, MailboxId(Assert.Single(await UntaggedAsync(client, "s STATUS Projects (MAILBOXID)"))));
                Assert.Equal(inboxId, MailboxId(Assert.Single(await UntaggedAsync(client, "s STATUS INBOX (MAILBOXID)"))));
                await TaggedAsync(client, "s SELECT Projects");
                Assert.Equal(copied, await IdsAsync(client));
                await TaggedAsync(client, "s SELECT INBOX");
                Assert.Equal([before[0], before[2]], await IdsAsync(client));

                // RENAME keeps the MAILBOXID (and UIDVALIDITY); a mailbox deleted and created again gets a new one.
                Assert.StartsWith("r OK", await TaggedAsync(client, "r RENAME Projects Old"), StringComparison.Ordinal);
                Assert.Equal(projectsId, MailboxId(Assert.Single(await UntaggedAsync(client, "s STATUS Old (MAILBOXID)"))));
                Assert.StartsWith("d OK", await TaggedAsync(client, "d DELETE Old"), StringComparison.Ordinal);
                Assert.NotEqual(projectsId, MailboxId(await TaggedAsync(client, "b CREATE Projects")));
            });
        }
        finally
        {
            TempDirectories.Delete(root);
        }
    }

    [Fact]
    public async Task A_mailbox_created_again_gets_a_new_mailboxid_on_the_memory_store()
    {
        await using var server = await TestMailServer.StartAsync();
        await using var client = await LoginAsync(server);
        var first = MailboxId(await TaggedAsync(client, "b CREATE Projects"));
        Assert.StartsWith("d OK", await TaggedAsync(client, "d DELETE Projects"), StringComparison.Ordinal);
        Assert.NotEqual(first, MailboxId(await TaggedAsync(client, "b CREATE Projects")));
    }

    [Fact]
    public async Task Objectid_is_advertised_only_once_logged_in_and_bad_object_ids_are_refused()
    {
        await using var server = await TestMailServer.StartAsync();
        await using var client = await LineClient.ConnectAsync(server.Imap);
        var greeting = await client.ReadLineAsync() ?? string.Empty;
        Assert.DoesNotContain("OBJECTID", greeting, StringComparison.Ordinal);
        Assert.Contains(" SAVEDATE ", greeting, StringComparison.Ordinal);
        Assert.Contains("OBJECTID", await TaggedAsync(client, "a LOGIN alice@example.test alice-pw"), StringComparison.Ordinal);
        await TaggedAsync(client, "s SELECT INBOX");
        foreach (var bad in new[] { "EMAILID", "EMAILID M!x", "THREADID \"\"", "EMAILID " + new string('M', 256) })
        {
            Assert.StartsWith("x BAD", await TaggedAsync(client, "x SEARCH " + bad), StringComparison.Ordinal);
        }

        Assert.StartsWith("y BAD", await TaggedAsync(client, "y STATUS INBOX (MAILBOXID NOPE)"), StringComparison.Ordinal);
        Assert.StartsWith("z OK", await TaggedAsync(client, "z NOOP"), StringComparison.Ordinal);
    }
}
