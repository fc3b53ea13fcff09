using MailKitServer.Imap.Tests.Support;
using MailKitServer.TestSupport;
using static MailKitServer.Imap.Tests.Session.ImapTestClient;

namespace MailKitServer.Imap.Tests.Commands;

/// <summary>THREAD and UID THREAD over the wire (RFC 5256 §3).</summary>
public class ThreadCommandTests
{
    private static async Task SeedAsync(LineClient client)
    {
        await ImapAppend.AppendAsync(client, "Message-ID: <a@x.test>\nSubject: plan\nDate: Fri, 01 Mar 2024 09:00:00 +0000", "01-Mar-2024 09:00:00 +0000");
        await ImapAppend.AppendAsync(client, "Message-ID: <b@x.test>\nIn-Reply-To: <a@x.test>\nSubject: Re: plan\nDate: Fri, 01 Mar 2024 10:00:00 +0000", "01-Mar-2024 10:00:00 +0000");
        await ImapAppend.AppendAsync(client, "Message-ID: <c@x.test>\nSubject: other\nDate: Fri, 01 Mar 2024 08:00:00 +0000", "01-Mar-2024 08:00:00 +0000");
        await ImapAppend.AppendAsync(client, "Message-ID: <d@x.test>\nReferences: <a@x.test> <b@x.test>\nSubject: Re: plan\nDate: Fri, 01 Mar 2024 11:00:00 +0000", "01-Mar-2024 11:00:00 +0000");
        await ImapAppend.AppendAsync(client, "Message-ID: <e@x.test>\nReferences: <a@x.test>\nSubject: Re: plan\nDate: Fri, 01 Mar 2024 10:30:00 +0000", "01-Mar-2024 10:30:00 +0000");
    }

    private static async Task<string> ThreadAsync(LineClient client, string command)
    {
        var untagged = new List<string>();
        Assert.EndsWith("OK THREAD completed", await TaggedAsync(client, command, untagged), StringComparison.Ordinal);
        return Assert.Single(untagged, l => l.StartsWith("* THREAD", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Threads_by_references_and_by_subject()
    {
        await using var server = await TestMailServer.StartAsync();
        await using var client = await LoginAsync(server);
        await SeedAsync(client);
        await TaggedAsync(client, "s SELECT INBOX");
        Assert.Equal("* THREAD (3)(1 (2 4)(5))", await ThreadAsync(client, "a THREAD REFERENCES UTF-8 ALL"));
        Assert.Equal("* THREAD (3)(1 (2)(5)(4))", await ThreadAsync(client, "b thread orderedsubject us-ascii all"));
        Assert.Equal("* THREAD (1 (2 4)(5))", await ThreadAsync(client, "c THREAD REFERENCES UTF-8 NOT SUBJECT other"));
        Assert.Equal("* THREAD ((2 4)(5))", await ThreadAsync(client, "d THREAD REFERENCES UTF-8 SUBJECT re:"));
        Assert.Equal("* THREAD", await ThreadAsync(client, "e THREAD REFERENCES UTF-8 SUBJECT nothing-like-this"));
    }

    [Fact]
    public async Task Uid_thread_names_uids()
    {
        await using var server = await TestMailServer.StartAsync();
        await using var client = await LoginAsync(server);
        await SeedAsync(client);
        await TaggedAsync(client, "s SELECT INBOX");
        await TaggedAsync(client, "x STORE 3 +FLAGS.SILENT (\\Deleted)");
        await TaggedAsync(client, "y EXPUNGE");
        Assert.Equal("* THREAD (1 (2 3)(4))", await ThreadAsync(client, "a THREAD REFERENCES UTF-8 ALL"));
        Assert.Equal("* THREAD (1 (2 4)(5))", await ThreadAsync(client, "b UID THREAD REFERENCES UTF-8 ALL"));
        Assert.Equal("* THREAD (1 (2)(5)(4))", await ThreadAsync(client, "c UID THREAD ORDEREDSUBJECT UTF-8 ALL"));
    }

    [Fact]
    public async Task Invalid_thread_commands_are_refused()
    {
        await using var server = await TestMailServer.StartAsync();
        await using var client = await LoginAsync(server);
        await SeedAsync(client);
        await TaggedAsync(client, "s SELECT INBOX");
        Assert.Equal("a BAD Unknown threading algorithm REFS", await client.CommandAsync("a THREAD REFS UTF-8 ALL"));
        Assert.Equal("b BAD A charset and search keys are required", await client.CommandAsync("b THREAD REFERENCES"));
        Assert.Equal("c NO [BADCHARSET (UTF-8 US-ASCII)] Unsupported charset", await client.CommandAsync("c THREAD REFERENCES ISO-2022-JP ALL"));
        Assert.Equal("d BAD Syntax: THREAD algorithm charset search-keys", await client.CommandAsync("d THREAD (REFERENCES) UTF-8 ALL"));
        Assert.Equal("* THREAD (3)(1 (2 4)(5))", await ThreadAsync(client, "e THREAD REFERENCES UTF-8 ALL"));
    }
}
