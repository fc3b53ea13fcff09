using MailKitServer.Imap.Tests.Support;
using MailKitServer.Storage.InMemory;
using MailKitServer.TestSupport;
using static MailKitServer.Imap.Tests.Session.ImapTestClient;

namespace MailKitServer.Imap.Tests.Commands;

/// <summary>SORT, UID SORT and ESORT over the wire (RFC 5256, RFC 5957, RFC 5267 §3).</summary>
public class SortCommandTests
{
    /// <summary>Four messages whose keys all order differently (sizes grow with the body: 4, 2, 3, 1).</summary>
    internal static async Task SeedAsync(LineClient client)
    {
        await ImapAppend.AppendAsync(client, "From: Zed <carol@x.test>\nTo: bob@x.test\nSubject: b\nDate: Fri, 01 Mar 2024 10:00:00 +0000", "01-Mar-2024 12:00:00 +0000", new string('x', 400));
        await ImapAppend.AppendAsync(client, "From: alice@x.test\nTo: Dave <dave@x.test>\nSubject: Re: a\nDate: Fri, 01 Mar 2024 09:00:00 +0000", "01-Mar-2024 11:00:00 +0000", new string('x', 100));
        await ImapAppend.AppendAsync(client, "From: bob@x.test\nTo: =?utf-8?q?=C3=89mile?= <al@x.test>\nCc: zoe@x.test\nSubject: [list] c\nDate: Fri, 01 Mar 2024 11:00:00 +0000", "01-Mar-2024 10:00:00 +0000", new string('x', 250));
        await ImapAppend.AppendAsync(client, "From: \"Yves\" <aaron@x.test>\nSubject: A (fwd)", "01-Mar-2024 11:30:00 +0200", "x");
    }

    private static async Task<string> SortAsync(LineClient client, string command)
    {
        var untagged = new List<string>();
        var tagged = await TaggedAsync(client, command, untagged);
        Assert.StartsWith(command.Split(' ')[0] + " OK", tagged, StringComparison.Ordinal);
        return Assert.Single(untagged, l => l.StartsWith("* SORT", StringComparison.Ordinal) || l.StartsWith("* ESEARCH", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Every_sort_key_orders_the_mailbox()
    {
        await using var server = await TestMailServer.StartAsync();
        await using var client = await LoginAsync(server);
        await SeedAsync(client);
        await TaggedAsync(client, "s SELECT INBOX");
        Assert.Contains(" SORT SORT=DISPLAY ESORT THREAD=ORDEREDSUBJECT THREAD=REFERENCES ", Assert.Single(await CapabilityAsync(client)), StringComparison.Ordinal);
        Assert.Equal("* SORT 4 3 2 1", await SortAsync(client, "a SORT (ARRIVAL) UTF-8 ALL"));           // 11:30 +0200 is 09:30 UTC
        Assert.Equal("* SORT 2 4 1 3", await SortAsync(client, "b SORT (DATE) UTF-8 ALL"));              // 4 has no Date: its arrival
        Assert.Equal("* SORT 4 2 1 3", await SortAsync(client, "d sort (subject reverse date) us-ascii all"));
        Assert.Equal("* SORT 4 2 3 1", await SortAsync(client, "e SORT (FROM) UTF-8 ALL"));
        Assert.Equal("* SORT 4 3 1 2", await SortAsync(client, "f SORT (TO) UTF-8 ALL"));
        Assert.Equal("* SORT 1 2 4 3", await SortAsync(client, "g SORT (CC) UTF-8 ALL"));
        Assert.Equal("* SORT 2 3 4 1", await SortAsync(client, "h SORT (DISPLAYFROM) UTF-8 ALL"));
        Assert.Equal("* SORT 4 1 2 3", await SortAsync(client, "i SORT (DISPLAYTO) UTF-8 ALL"));
        Assert.Equal("* SORT 4 2 3 1", await SortAsync(client, "j SORT (SIZE) UTF-8 ALL"));
        Assert.Equal("* SORT 1 3 2 4", await SortAsync(client, "k SORT (REVERSE SIZE) UTF-8 ALL"));
        Assert.Equal("* SORT 4 2 1", await SortAsync(client, "l SORT (ARRIVAL) UTF-8 FROM x.test NOT SUBJECT c"));
        Assert.Equal("* SORT", await SortAsync(client, "m SORT (ARRIVAL) UTF-8 SUBJECT nothing-like-this"));
    }

    [Fact]
    public async Task Uid_sort_names_uids_and_the_search_keys_still_use_sequence_numbers()
    {
        await using var server = await TestMailServer.StartAsync();
        await using var client = await LoginAsync(server);
        await SeedAsync(client);
        await TaggedAsync(client, "s SELECT INBOX");
        await TaggedAsync(client, "x STORE 1 +FLAGS.SILENT (\\Deleted)");
        await TaggedAsync(client, "y EXPUNGE");
        Assert.Equal("* SORT 3 2 1", await SortAsync(client, "a SORT (ARRIVAL) UTF-8 ALL"));
        Assert.Equal("* SORT 4 3 2", await SortAsync(client, "b UID SORT (ARRIVAL) UTF-8 ALL"));
        Assert.Equal("* SORT 3 2", await SortAsync(client, "c UID SORT (ARRIVAL) UTF-8 1:2"));
    }

    [Fact]
    public async Task Extended_sort_returns_esearch_in_sort_order()
    {
        await using var server = await TestMailServer.StartAsync();
        await using var client = await LoginAsync(server);
        await SeedAsync(client);
        await TaggedAsync(client, "s SELECT INBOX");
        Assert.Equal("* ESEARCH (TAG \"a\") MIN 4 MAX 1 ALL 4,3,2,1 COUNT 4", await SortAsync(client, "a SORT RETURN (MIN MAX COUNT ALL) (ARRIVAL) UTF-8 ALL"));
        Assert.Equal("* ESEARCH (TAG \"b\") ALL 1:4", await SortAsync(client, "b SORT RETURN () (REVERSE ARRIVAL) UTF-8 ALL"));
        Assert.Equal("* ESEARCH (TAG \"c\") UID PARTIAL (2:3 3,2)", await SortAsync(client, "c UID SORT RETURN (PARTIAL 3:2) (ARRIVAL) UTF-8 ALL"));
        Assert.Equal("* ESEARCH (TAG \"d\") PARTIAL (-1:-2 2,1)", await SortAsync(client, "d SORT RETURN (PARTIAL -1:-2) (ARRIVAL) UTF-8 ALL"));
        Assert.Equal("* ESEARCH (TAG \"e\") PARTIAL (1:5 NIL)", await SortAsync(client, "e SORT RETURN (PARTIAL 1:5) (ARRIVAL) UTF-8 NOT ALL"));
        Assert.Equal("* ESEARCH (TAG \"f\") COUNT 0", await SortAsync(client, "f SORT RETURN (COUNT MIN) (ARRIVAL) UTF-8 NOT ALL"));

        // SAVE alone answers nothing but keeps the result for "$" (RFC 5182); with MIN only the first sorted message.
        var untagged = new List<string>();
        Assert.Equal("g OK SORT completed", await TaggedAsync(client, "g SORT RETURN (SAVE) (ARRIVAL) UTF-8 SUBJECT a", untagged));
        Assert.Empty(untagged);
        Assert.Equal("* SEARCH 2 4", await SearchLineAsync(client, "h SEARCH $"));
        await TaggedAsync(client, "i SORT RETURN (SAVE MIN) (DATE) UTF-8 ALL");
        Assert.Equal("* SEARCH 2", await SearchLineAsync(client, "j SEARCH $"));
    }

    [Fact]
    public async Task Invalid_sort_commands_are_refused_and_the_session_goes_on()
    {
        await using var server = await TestMailServer.StartAsync();
        await using var client = await LoginAsync(server);
        await SeedAsync(client);
        Assert.Equal("a BAD Command not valid in this state", await client.CommandAsync("a SORT (DATE) UTF-8 ALL"));
        await TaggedAsync(client, "s SELECT INBOX");
        Assert.Equal("b BAD Unknown sort criterion FOO", await client.CommandAsync("b SORT (FOO) UTF-8 ALL"));
        Assert.Equal("c NO [BADCHARSET (UTF-8 US-ASCII)] Unsupported charset", await client.CommandAsync("c SORT (DATE) KOI8-R ALL"));
        Assert.Equal("d BAD A charset and search keys are required", await client.CommandAsync("d SORT (DATE) UTF-8"));
        Assert.Equal("e BAD Syntax: SORT (criteria) charset search-keys", await client.CommandAsync("e SORT"));
        Assert.Equal("f BAD PARTIAL needs one range such as 1:100", await client.CommandAsync("f SORT RETURN (PARTIAL 1:*) (DATE) UTF-8 ALL"));
        Assert.Equal("g BAD Empty sort criteria", await client.CommandAsync("g UID SORT () UTF-8 ALL"));
        Assert.StartsWith("h BAD", await client.CommandAsync("h SORT (DATE) UTF-8 FROBNICATE"), StringComparison.Ordinal);
        Assert.Equal("* SORT 4 3 2 1", await SortAsync(client, "i SORT (ARRIVAL) UTF-8 ALL"));
    }

    [Fact]
    public async Task Sort_by_sequence_number_holds_expunges_and_uid_sort_does_not()
    {
        await using var server = await TestMailServer.StartAsync();
        await using var a = await LoginAsync(server);
        await SeedAsync(a);
        await using var b = await LoginAsync(server);
        await TaggedAsync(a, "s SELECT INBOX");
        await TaggedAsync(b, "s SELECT INBOX");
        await TaggedAsync(b, "x STORE 2 +FLAGS.SILENT (\\Deleted)");
        await TaggedAsync(b, "y EXPUNGE");

        var untagged = new List<string>();
        await TaggedAsync(a, "t SORT (ARRIVAL) UTF-8 ALL", untagged);
        Assert.DoesNotContain(untagged, l => l.EndsWith("EXPUNGE", StringComparison.Ordinal));
        await TaggedAsync(a, "t THREAD REFERENCES UTF-8 ALL", untagged);
        Assert.DoesNotContain(untagged, l => l.EndsWith("EXPUNGE", StringComparison.Ordinal));
        untagged.Clear();
        await TaggedAsync(a, "u UID SORT (ARRIVAL) UTF-8 ALL", untagged);
        Assert.Contains("* 2 EXPUNGE", untagged);
    }

    [Fact]
    public async Task Sorting_again_reads_no_message_content()
    {
        var store = new CountingMessageStore(new InMemoryMessageStore());
        await using var server = await TestMailServer.StartAsync(configure: b => b.UseStore(store));
        await using var client = await LoginAsync(server);
        for (var i = 0; i < 50; i++)
        {
            await ImapAppend.AppendAsync(client, $"Subject: message {i % 7}\nMessage-ID: <m{i}@x.test>\nReferences: <m{i / 2}@x.test>", "01-Mar-2024 10:00:00 +0000");
        }

        await TaggedAsync(client, "s SELECT INBOX");
        var before = store.ContentReads;
        await SortAsync(client, "a SORT (SUBJECT) UTF-8 ALL");
        Assert.Equal(before + 50, store.ContentReads);    // one header read per message, the first time

        await SortAsync(client, "b SORT (REVERSE DATE FROM) UTF-8 ALL");
        await TaggedAsync(client, "c THREAD REFERENCES UTF-8 ALL");
        await TaggedAsync(client, "d THREAD ORDEREDSUBJECT UTF-8 ALL");
        await using var other = await LoginAsync(server);
        await TaggedAsync(other, "s EXAMINE INBOX");
        await SortAsync(other, "e UID SORT (DISPLAYTO) UTF-8 ALL");
        Assert.Equal(before + 50, store.ContentReads);
    }

    [Fact]
    public async Task Sort_works_on_the_maildir_store()
    {
        var root = Directory.CreateTempSubdirectory("mks-sort").FullName;
        try
        {
            var store = new MailKitServer.Storage.Maildir.MaildirMessageStore(new MailKitServer.Storage.Maildir.MaildirStoreOptions { Root = root });
            await using var server = await TestMailServer.StartAsync(configure: b => b.UseStore(store));
            await using var client = await LoginAsync(server);
            await SeedAsync(client);
            await TaggedAsync(client, "s SELECT INBOX");
            Assert.Equal("* SORT 2 4 1 3", await SortAsync(client, "b SORT (DATE) UTF-8 ALL"));
            Assert.Equal("* SORT 2 3 4 1", await SortAsync(client, "h SORT (DISPLAYFROM) UTF-8 ALL"));
        }
        finally
        {
            TempDirectories.Delete(root);
        }
    }

    private static async Task<List<string>> CapabilityAsync(LineClient client)
    {
        var untagged = new List<string>();
        await TaggedAsync(client, "cap CAPABILITY", untagged);
        return untagged;
    }

    private static async Task<string> SearchLineAsync(LineClient client, string command)
    {
        var untagged = new List<string>();
        await TaggedAsync(client, command, untagged);
        return Assert.Single(untagged, l => l.StartsWith("* SEARCH", StringComparison.Ordinal));
    }
}
