using MailKitServer.Imap.Metadata;
using MailKitServer.Storage.Maildir;
using MailKitServer.TestSupport;
using static MailKitServer.Imap.Tests.Session.ImapTestClient;

namespace MailKitServer.Imap.Tests.Metadata;

/// <summary>METADATA (RFC 5464) over the wire, on the in-memory store and on Maildir (whose annotations survive a restart).</summary>
public sealed class MetadataTests
{
    private const string Projects = "\"Other Users/alice@example.test/Projects\"";

    [Theory]
    [InlineData("memory")]
    [InlineData("maildir")]
    public async Task Get_and_set_mailbox_annotations_with_depth_maxsize_and_limits(string store)
    {
        var root = Directory.CreateTempSubdirectory("mks-metadata").FullName;
        try
        {
            await using (var server = await StartAsync(store, root))
            {
                await using var alice = await LoginAsync(server);
                Assert.Contains(" METADATA", Assert.Single(await UntaggedAsync(alice, "c CAPABILITY")), StringComparison.Ordinal);

                Assert.Empty(await UntaggedAsync(alice, "s SETMETADATA INBOX (/private/comment \"My comment\" /Shared/Comment {12+}\r\nline1\r\nline2)"));
                Assert.Equal(
                    ["* METADATA \"INBOX\" (/private/comment \"My comment\" /shared/comment {12}", "line1", "line2)"],
                    await UntaggedAsync(alice, "g GETMETADATA INBOX (/private/comment /SHARED/comment)"));

                // An entry without a value is left out (no METADATA response at all when nothing is found).
                Assert.Empty(await UntaggedAsync(alice, "g GETMETADATA \"INBOX\" /private/missing"));

                // RFC 5464 §4.2.2: DEPTH 1 gives the children, infinity everything below.
                Assert.Empty(await UntaggedAsync(alice, "s SETMETADATA INBOX (/private/filters/values/small \"SMALLER 5000\" /private/filters/values/boss \"FROM boss\" /private/filters/values/a/b \"deep\")"));
                Assert.Equal(
                    ["* METADATA \"INBOX\" (/private/filters/values/boss \"FROM boss\" /private/filters/values/small \"SMALLER 5000\")"],
                    await UntaggedAsync(alice, "g GETMETADATA (DEPTH 1) INBOX (/private/filters/values)"));
                Assert.Equal(
                    ["* METADATA \"INBOX\" (/private/filters/values/a/b \"deep\" /private/filters/values/boss \"FROM boss\" /private/filters/values/small \"SMALLER 5000\")"],
                    await UntaggedAsync(alice, "g GETMETADATA (DEPTH infinity) INBOX /private/filters"));

                // RFC 5464 §4.2.1: MAXSIZE leaves out longer values and names the longest.
                var untagged = new List<string>();
                Assert.Equal("g OK [METADATA LONGENTRIES 12] GETMETADATA completed", await TaggedAsync(alice, "g GETMETADATA (MAXSIZE 9 DEPTH 0) INBOX (/private/comment /shared/comment)", untagged));
                Assert.Empty(untagged);

                // RFC 5464 §4.3: NIL removes; a value over the limit or one entry too many changes nothing.
                Assert.Empty(await UntaggedAsync(alice, "s SETMETADATA INBOX (/private/comment NIL)"));
                Assert.Empty(await UntaggedAsync(alice, "g GETMETADATA INBOX /private/comment"));
                var big = new string('v', 1025);
                Assert.Equal("s NO [METADATA MAXSIZE 1024] Value too large", await TaggedAsync(alice, $"s SETMETADATA INBOX (/private/x \"y\" /private/big {{1025+}}\r\n{big})"));
                Assert.Empty(await UntaggedAsync(alice, "g GETMETADATA INBOX /private/x"));
                Assert.Empty(await UntaggedAsync(alice, "s SETMETADATA INBOX (/private/e1 \"1\" /private/e2 \"2\" /private/e3 \"3\" /private/e4 \"4\" /private/e5 \"5\" /private/e6 \"6\")"));
                Assert.StartsWith("s NO [METADATA TOOMANY]", await TaggedAsync(alice, "s SETMETADATA INBOX (/private/e7 \"7\" /private/e8 \"8\")"), StringComparison.Ordinal);
                Assert.Empty(await UntaggedAsync(alice, "g GETMETADATA INBOX /private/e7"));
                Assert.Empty(await UntaggedAsync(alice, "s SETMETADATA INBOX (/private/e1 \"changed\" /private/e6 NIL /private/e7 \"7\")"));

                // Bad names and options are BAD; a missing mailbox NO.
                foreach (var bad in new[]
                {
                    "s SETMETADATA INBOX (/foo/bar \"x\")", "s SETMETADATA INBOX (/private/a* \"x\")", "s SETMETADATA INBOX (/private//a \"x\")",
                    "s SETMETADATA INBOX (/private/ \"x\")", "s SETMETADATA INBOX (/shared/vendor/x \"x\")", "s SETMETADATA INBOX (/private \"x\")",
                    "s SETMETADATA INBOX (/private/a)", "s SETMETADATA INBOX (/private/a (x))", "s SETMETADATA INBOX /private/a \"x\"", "s SETMETADATA INBOX (/private/a \"x\" /private/b)",
                    "s SETMETADATA INBOX (/private/a \"x\" /private/A \"y\")", "g GETMETADATA (DEPTH 2) INBOX /private/a", "g GETMETADATA () INBOX /private/a",
                    "g GETMETADATA (MAXSIZE x) INBOX /private/a", "g GETMETADATA INBOX /private/caf\u00e9", "g GETMETADATA INBOX ()", "g GETMETADATA INBOX",
                })
                {
                    Assert.StartsWith(bad[..2] + "BAD", await TaggedAsync(alice, bad), StringComparison.Ordinal);
                }

                Assert.StartsWith("g NO [NONEXISTENT]", await TaggedAsync(alice, "g GETMETADATA Nowhere /private/comment"), StringComparison.Ordinal);
                Assert.StartsWith("s NO [NONEXISTENT]", await TaggedAsync(alice, "s SETMETADATA Nowhere (/private/comment \"x\")"), StringComparison.Ordinal);

                // RFC 6154 §3: /private/specialuse reflects the mailbox's role and is not set here.
                Assert.Equal(["* METADATA \"Sent\" (/private/specialuse \"\\\\Sent\")"], await UntaggedAsync(alice, "g GETMETADATA Sent /private/specialuse"));
                Assert.StartsWith("s NO [NOPERM]", await TaggedAsync(alice, "s SETMETADATA Sent (/private/specialuse \"\\\\Junk\")"), StringComparison.Ordinal);

                // RFC 5464 §4.1: annotations follow RENAME, go with DELETE; renaming INBOX copies them.
                Assert.StartsWith("c OK", await TaggedAsync(alice, "c CREATE Work"), StringComparison.Ordinal);
                Assert.Empty(await UntaggedAsync(alice, "s SETMETADATA Work (/shared/comment \"work\")"));
                Assert.StartsWith("r OK", await TaggedAsync(alice, "r RENAME Work Play"), StringComparison.Ordinal);
                Assert.Equal(["* METADATA \"Play\" (/shared/comment \"work\")"], await UntaggedAsync(alice, "g GETMETADATA Play /shared/comment"));
                Assert.StartsWith("d OK", await TaggedAsync(alice, "d DELETE Play"), StringComparison.Ordinal);
                Assert.StartsWith("c OK", await TaggedAsync(alice, "c CREATE Play"), StringComparison.Ordinal);
                Assert.Empty(await UntaggedAsync(alice, "g GETMETADATA Play /shared/comment"));
                Assert.StartsWith("r OK", await TaggedAsync(alice, "r RENAME INBOX Old"), StringComparison.Ordinal);
                Assert.Equal(["* METADATA \"Old\" (/shared/comment {12}", "line1", "line2)"], await UntaggedAsync(alice, "g GETMETADATA Old /shared/comment"));
                Assert.Equal(["* METADATA \"INBOX\" (/shared/comment {12}", "line1", "line2)"], await UntaggedAsync(alice, "g GETMETADATA INBOX /shared/comment"));
            }

            if (store == "maildir")
            {
                // A new store on the same root reads what was written.
                await using var server = await StartAsync(store, root);
                await using var alice = await LoginAsync(server);
                Assert.Equal(["* METADATA \"INBOX\" (/private/e1 \"changed\" /private/e7 \"7\")"], await UntaggedAsync(alice, "g GETMETADATA INBOX (/private/e1 /private/e7)"));
            }
        }
        finally
        {
            await CleanUpAsync(root);
        }
    }

    [Theory]
    [InlineData("memory")]
    [InlineData("maildir")]
    public async Task Server_annotations_and_private_entries_on_a_shared_mailbox(string store)
    {
        var root = Directory.CreateTempSubdirectory("mks-metadata").FullName;
        try
        {
            await using var server = await StartAsync(store, root);
            await using var alice = await LoginAsync(server);
            await using var bob = await LoginAsync(server, "bob@example.test", "bob-pw");

            // RFC 5464 §3.3: everyone reads server annotations; only administrators set shared ones; private ones are per user.
            Assert.Empty(await UntaggedAsync(alice, "g GETMETADATA \"\" /shared/comment"));
            Assert.StartsWith("s NO [NOPERM]", await TaggedAsync(alice, "s SETMETADATA \"\" (/shared/comment \"mine\")"), StringComparison.Ordinal);
            Assert.Empty(await UntaggedAsync(bob, "s SETMETADATA \"\" (/shared/comment \"Maintenance on Sunday\" /private/comment \"bob's\")"));
            Assert.Empty(await UntaggedAsync(alice, "s SETMETADATA \"\" (/private/comment \"alice's\")"));
            Assert.Equal(
                ["* METADATA \"\" (/private/comment \"alice's\" /shared/admin \"mailto:postmaster@example.test\" /shared/comment \"Maintenance on Sunday\")"],
                await UntaggedAsync(alice, "g GETMETADATA (DEPTH infinity) \"\" (/private /shared)"));

            // RFC 5464 §3.2.1.1: /shared/admin comes from the options and no client changes it, not even an administrator.
            Assert.Equal(["* METADATA \"\" (/shared/admin \"mailto:postmaster@example.test\")"], await UntaggedAsync(alice, "g GETMETADATA \"\" /shared/admin"));
            Assert.StartsWith("s NO [NOPERM]", await TaggedAsync(bob, "s SETMETADATA \"\" (/shared/admin \"mailto:bob@example.test\")"), StringComparison.Ordinal);
            Assert.StartsWith("s NO [NOPERM]", await TaggedAsync(bob, "s SETMETADATA \"\" (/shared/admin NIL)"), StringComparison.Ordinal);
            Assert.Empty(await UntaggedAsync(alice, "g GETMETADATA INBOX /shared/admin"));
            Assert.Equal(["* METADATA \"\" (/private/comment \"bob's\")"], await UntaggedAsync(bob, "g GETMETADATA \"\" /private/comment"));

            // A mailbox bob cannot see does not exist for him; with "l" alone it is NOPERM; with "lr" he reads and writes.
            Assert.StartsWith("c OK", await TaggedAsync(alice, "c CREATE Projects"), StringComparison.Ordinal);
            Assert.Empty(await UntaggedAsync(alice, "s SETMETADATA Projects (/shared/comment \"team\" /private/comment \"alice only\")"));
            Assert.StartsWith("g NO [NONEXISTENT]", await TaggedAsync(bob, $"g GETMETADATA {Projects} /shared/comment"), StringComparison.Ordinal);
            Assert.StartsWith("a OK", await TaggedAsync(alice, "a SETACL Projects bob@example.test l"), StringComparison.Ordinal);
            Assert.StartsWith("g NO [NOPERM]", await TaggedAsync(bob, $"g GETMETADATA {Projects} /shared/comment"), StringComparison.Ordinal);
            Assert.StartsWith("a OK", await TaggedAsync(alice, "a SETACL Projects bob@example.test lr"), StringComparison.Ordinal);
            Assert.Equal([$"* METADATA {Projects} (/shared/comment \"team\")"], await UntaggedAsync(bob, $"g GETMETADATA {Projects} (/private/comment /shared/comment)"));
            Assert.Empty(await UntaggedAsync(bob, $"s SETMETADATA {Projects} (/private/comment \"bob's note\" /shared/comment \"team, bob was here\")"));
            Assert.Equal(
                ["* METADATA \"Projects\" (/private/comment \"alice only\" /shared/comment \"team, bob was here\")"],
                await UntaggedAsync(alice, "g GETMETADATA Projects (/private/comment /shared/comment)"));
            Assert.Equal([$"* METADATA {Projects} (/private/comment \"bob's note\")"], await UntaggedAsync(bob, $"g GETMETADATA {Projects} /private/comment"));
        }
        finally
        {
            await CleanUpAsync(root);
        }
    }

    [Fact]
    public async Task Setmetadata_sent_one_byte_at_a_time_is_read_whole()
    {
        await using var server = await TestMailServer.StartAsync();
        await using var alice = await LoginAsync(server);
        foreach (var c in "s SETMETADATA \"INBOX\" (/private/a {5+}\r\nhello /shared/b \"x y\" /private/c NIL)\r\n")
        {
            await alice.SendAsync(c.ToString());
        }

        Assert.Equal("s OK SETMETADATA completed", await alice.ReadLineAsync());
        foreach (var c in "g GETMETADATA (DEPTH 1 MAXSIZE 3) INBOX (/private /shared)\r\n")
        {
            await alice.SendAsync(c.ToString());
        }

        Assert.Equal("* METADATA \"INBOX\" (/shared/b \"x y\")", await alice.ReadLineAsync());
        Assert.Equal("g OK [METADATA LONGENTRIES 5] GETMETADATA completed", await alice.ReadLineAsync());
    }

    [Fact]
    public void Entry_names_and_commands_parse_at_every_split()
    {
        WireTokens.ForEachSplit("a SETMETADATA INBOX (/private/comment \"abc\" /Shared/Vendor/Acme/x NIL /shared/t \"q\\\"d\")", args =>
        {
            var items = args[1].Items;
            Assert.Equal(6, items.Count);
            Assert.True(MetadataEntryName.TryNormalize(items[0].Text, toSet: true, out var first));
            Assert.Equal("/private/comment", first);
            Assert.Equal("abc", items[1].Text);
            Assert.True(MetadataEntryName.TryNormalize(items[2].Text, toSet: true, out var vendor));
            Assert.Equal("/shared/vendor/acme/x", vendor);
            Assert.True(items[3].IsNil);
            Assert.Equal("q\"d", items[5].Text);
        });
        WireTokens.ForEachSplit("a GETMETADATA (MAXSIZE 1024 DEPTH infinity) \"\" (/private /shared/comment)", args =>
        {
            Assert.Equal(["MAXSIZE", "1024", "DEPTH", "infinity"], args[0].Items.Select(t => t.Text));
            Assert.Equal(string.Empty, args[1].Text);
            Assert.All(args[2].Items, t => Assert.True(MetadataEntryName.TryNormalize(t.Text, toSet: false, out _)));
        });
        Assert.True(MetadataEntryName.Matches("/private/a", "/private/a/b", 1));
        Assert.False(MetadataEntryName.Matches("/private/a", "/private/a/b/c", 1));
        Assert.True(MetadataEntryName.Matches("/private/a", "/private/a/b/c", int.MaxValue));
        Assert.False(MetadataEntryName.Matches("/private/a", "/private/ab", int.MaxValue));
        Assert.False(MetadataEntryName.Matches("/private/a", "/private/a/b", 0));
    }

    private readonly List<MaildirMessageStore> _stores = [];

    private Task<TestMailServer> StartAsync(string store, string root)
    {
        var maildir = store == "maildir" ? new MaildirMessageStore(new MaildirStoreOptions { Root = root }) : null;
        if (maildir is not null)
        {
            _stores.Add(maildir);
        }

        return TestMailServer.StartAsync(
            configure: maildir is null ? null : b => b.UseStore(maildir),
            imap: o =>
            {
                o.ServerMetadataAdministrators.Add("bob@example.test");
                o.AdministratorContact = new Uri("mailto:postmaster@example.test");
                o.MetadataMaxValueSize = 1024;
                o.MetadataMaxEntries = 10;
            });
    }

    /// <summary>Stops the Maildir stores (their index writes end) and removes the folder.</summary>
    private async Task CleanUpAsync(string root)
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }

        TempDirectories.Delete(root);
    }
}
