using System.Diagnostics;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace MailKitServer.Storage.PostgreSql.Tests;

/// <summary>Two server nodes on one database, driven by MailKit as a user's client would.</summary>
[Collection("postgres")]
public sealed class TwoNodeTests(PostgresFixture fixture)
{
    private static MimeMessage Mail(string to, string subject) => new(
        [new MailboxAddress("Sender", "sender@remote.test")], [MailboxAddress.Parse(to)], subject, new TextPart("plain") { Text = "Hello from " + subject });

    private static async Task<ImapClient> LoginAsync(System.Net.IPEndPoint imap, string user, string password)
    {
        var client = new ImapClient();
        await client.ConnectAsync(imap.Address.ToString(), imap.Port, SecureSocketOptions.None);
        await client.AuthenticateAsync(user, password);
        return client;
    }

    /// <summary>Adds a user on node A and waits until node B's directory copy has reloaded after it.</summary>
    private static async Task AddUserSeenByBothAsync(PostgresNode a, PostgresNode b, string user, string password)
    {
        var reloaded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnReload()
        {
            if (b.Database.Directory.Users.Contains(user))
            {
                reloaded.TrySetResult();
            }
        }

        b.Database.Directory.Reloaded += OnReload;
        try
        {
            await a.Database.Directory.AddUserAsync(user, password);
            await reloaded.Task.WaitAsync(TimeSpan.FromSeconds(15));
        }
        finally
        {
            b.Database.Directory.Reloaded -= OnReload;
        }
    }

    [Fact]
    public async Task A_user_added_on_one_node_logs_in_on_the_other_and_mail_delivered_on_A_is_pushed_to_IDLE_on_B()
    {
        var db = await fixture.Server.CreateDatabaseAsync();
        await using var a = await PostgresNode.StartAsync(db, "node-a");
        await using var b = await PostgresNode.StartAsync(db, "node-b");
        await AddUserSeenByBothAsync(a, b, "carl@example.test", "carl-pw");

        using var imap = await LoginAsync(b.Imap, "carl@example.test", "carl-pw");
        var inbox = imap.Inbox;
        await inbox.OpenAsync(FolderAccess.ReadOnly);
        Assert.Equal(0, inbox.Count);
        var arrived = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        inbox.CountChanged += (_, _) => arrived.TrySetResult(inbox.Count);
        using var stopIdle = new CancellationTokenSource();
        var idle = imap.IdleAsync(stopIdle.Token);

        using (var smtp = new SmtpClient())
        {
            await smtp.ConnectAsync(a.Smtp.Address.ToString(), a.Smtp.Port, SecureSocketOptions.None);
            var clock = Stopwatch.StartNew();
            await smtp.SendAsync(Mail("carl@example.test", "across nodes"));
            Assert.Equal(1, await arrived.Task.WaitAsync(TimeSpan.FromSeconds(15)));
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"IDLE push took {clock.Elapsed}");
            await smtp.DisconnectAsync(true);
        }

        await stopIdle.CancelAsync();
        await idle;
        var message = await inbox.GetMessageAsync(0);
        Assert.Equal("across nodes", message.Subject);
        Assert.Equal("Hello from across nodes", message.TextBody?.TrimEnd());
        await imap.DisconnectAsync(true);
    }

    [Fact]
    public async Task Concurrent_appends_from_both_nodes_get_unique_increasing_uids()
    {
        var db = await fixture.Server.CreateDatabaseAsync();
        await using var a = await PostgresNode.StartAsync(db, "node-a");
        await using var b = await PostgresNode.StartAsync(db, "node-b");
        await AddUserSeenByBothAsync(a, b, "dora@example.test", "dora-pw");

        const int PerClient = 30;
        var clients = new[] { a.Imap, b.Imap, a.Imap, b.Imap };
        var results = await Task.WhenAll(clients.Select(async (endpoint, c) =>
        {
            using var imap = await LoginAsync(endpoint, "dora@example.test", "dora-pw");
            var uids = new List<uint>();
            for (var i = 0; i < PerClient; i++)
            {
                var uid = await imap.Inbox.AppendAsync(new AppendRequest(Mail("dora@example.test", $"c{c}m{i}")));
                uids.Add(uid!.Value.Id);
            }

            await imap.DisconnectAsync(true);
            return uids;
        }));

        foreach (var uids in results)
        {
            Assert.Equal(uids.Order(), uids);
        }

        var all = results.SelectMany(u => u).ToList();
        Assert.Equal(all.Count, all.Distinct().Count());
        Assert.Equal(Enumerable.Range(1, clients.Length * PerClient).Select(i => (uint)i), all.Order());

        using var check = await LoginAsync(b.Imap, "dora@example.test", "dora-pw");
        await check.Inbox.OpenAsync(FolderAccess.ReadOnly);
        var summaries = await check.Inbox.FetchAsync(0, -1, MessageSummaryItems.UniqueId | MessageSummaryItems.Envelope);
        Assert.Equal(clients.Length * PerClient, summaries.Count);
        Assert.Equal(summaries.Select(s => s.UniqueId.Id).Order(), summaries.Select(s => s.UniqueId.Id));
        Assert.Equal(clients.Length * PerClient, summaries.Select(s => s.Envelope!.Subject).Distinct().Count());
        await check.DisconnectAsync(true);
    }

    [Fact]
    public async Task A_flag_change_and_an_expunge_on_one_node_reach_a_session_on_the_other()
    {
        var db = await fixture.Server.CreateDatabaseAsync();
        await using var a = await PostgresNode.StartAsync(db, "node-a");
        await using var b = await PostgresNode.StartAsync(db, "node-b");
        await AddUserSeenByBothAsync(a, b, "emil@example.test", "emil-pw");

        using var writer = await LoginAsync(a.Imap, "emil@example.test", "emil-pw");
        await writer.Inbox.AppendAsync(new AppendRequest(Mail("emil@example.test", "one")));
        await writer.Inbox.AppendAsync(new AppendRequest(Mail("emil@example.test", "two")));

        using var reader = await LoginAsync(b.Imap, "emil@example.test", "emil-pw");
        await reader.Inbox.OpenAsync(FolderAccess.ReadOnly);
        Assert.Equal(2, reader.Inbox.Count);
        var flagged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var expunged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        reader.Inbox.MessageFlagsChanged += (_, e) =>
        {
            if (e.Flags.HasFlag(MailKit.MessageFlags.Flagged))
            {
                flagged.TrySetResult();
            }
        };
        reader.Inbox.MessageExpunged += (_, _) => expunged.TrySetResult();
        using var stopIdle = new CancellationTokenSource();
        var idle = reader.IdleAsync(stopIdle.Token);

        await writer.Inbox.OpenAsync(FolderAccess.ReadWrite);
        var uids = await writer.Inbox.SearchAsync(MailKit.Search.SearchQuery.All);
        await writer.Inbox.AddFlagsAsync(uids[0], MailKit.MessageFlags.Flagged, silent: true);
        await flagged.Task.WaitAsync(TimeSpan.FromSeconds(15));
        await writer.Inbox.AddFlagsAsync(uids[1], MailKit.MessageFlags.Deleted, silent: true);
        await writer.Inbox.ExpungeAsync();
        await expunged.Task.WaitAsync(TimeSpan.FromSeconds(15));
        await stopIdle.CancelAsync();
        await idle;
        Assert.Equal(1, reader.Inbox.Count);
        await reader.DisconnectAsync(true);
        await writer.DisconnectAsync(true);
    }
}
