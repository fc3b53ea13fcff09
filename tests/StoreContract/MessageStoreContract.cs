using System.Globalization;
using System.Text;
using MailKitServer.Storage;

namespace MailKitServer.TestSupport.StoreContract;

/// <summary>
/// What every <see cref="IMessageStore"/> must do for the IMAP and POP3 engines, run against each store (in-memory,
/// Maildir, PostgreSQL) by a subclass that says how to make one. Users are unique per test, so a subclass may share
/// one store (one database) between tests.
/// </summary>
public abstract class MessageStoreContract : IAsyncLifetime
{
    private readonly string _tag = Guid.NewGuid().ToString("N")[..10];

    protected IMessageStore Store { get; private set; } = null!;

    /// <summary>Makes the store under test.</summary>
    protected abstract Task<IMessageStore> CreateStoreAsync();

    /// <summary>Releases the store.</summary>
    protected virtual Task DisposeStoreAsync() => Task.CompletedTask;

    public async Task InitializeAsync() => Store = await CreateStoreAsync();

    public Task DisposeAsync() => DisposeStoreAsync();

    protected string User(string name) => $"{name}-{_tag}@example.test";

    protected static MemoryStream Message(string subject, int bodyBytes = 0)
    {
        var body = new StringBuilder();
        while (body.Length < bodyBytes)
        {
            body.Append(CultureInfo.InvariantCulture, $"line {body.Length:D8} of {subject}\r\n");
        }

        return new MemoryStream(Encoding.ASCII.GetBytes($"Subject: {subject}\r\n\r\nbody of {subject}\r\n{body}"));
    }

    protected static async Task<MailboxChange> NextAsync(IMailboxView view, MailboxChangeKind? kind = null)
    {
        while (true)
        {
            var change = await view.Changes.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(15));
            if (kind is null || change.Kind == kind)
            {
                return change;
            }
        }
    }

    protected Task<DeliveryResult> DeliverAsync(string subject, params string[] users) =>
        Store.DeliverAsync(new DeliveryRequest("sender@remote.test", users.Select(u => new MailboxTarget(u)).ToList(), DateTimeOffset.UtcNow), Message(subject), default).AsTask();

    private static async Task<string> ReadAsync(IMailboxView view, uint uid, long offset = 0, long? length = null)
    {
        await using var stream = await view.OpenContentAsync(uid, offset, length, default);
        Assert.NotNull(stream);
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer);
        return Encoding.ASCII.GetString(buffer.ToArray());
    }

    [Fact]
    public async Task Delivery_is_seen_by_every_open_session_of_the_mailbox_and_flag_changes_carry_their_origin()
    {
        var alice = User("alice");
        await using var a = await Store.OpenAccountAsync(alice, default);
        await using var b = await Store.OpenAccountAsync(alice, default);
        await using var viewA = await a.OpenAsync("INBOX", readOnly: false, default);
        await using var viewB = await b.OpenAsync("inbox", readOnly: true, default);
        Assert.Empty(viewA!.Messages);

        var result = await DeliverAsync("one", alice);
        Assert.True(result.AllDelivered);

        var seenA = await NextAsync(viewA, MailboxChangeKind.Added);
        var seenB = await NextAsync(viewB!, MailboxChangeKind.Added);
        Assert.Equal(result.Outcomes[0].Uid, seenA.Uid);
        Assert.Equal(seenA.Uid, seenB.Uid);
        Assert.Equal(0, seenB.Origin);

        var stored = await viewA.StoreFlagsAsync(UidSet.FromUids([seenA.Uid]), new FlagChange(FlagChangeMode.Add, SystemFlags.Seen, ["$Label1"]), null, default);
        Assert.Single(stored.Changed);
        Assert.Equal(SystemFlags.Seen, stored.Changed[0].Flags);
        var flagged = await NextAsync(viewB!, MailboxChangeKind.FlagsChanged);
        Assert.Equal(SystemFlags.Seen, flagged.Message!.Flags);
        Assert.Equal(["$Label1"], flagged.Message.Keywords);
        Assert.True(flagged.ModSeq > seenA.ModSeq);
        var own = await NextAsync(viewA, MailboxChangeKind.FlagsChanged);
        Assert.Equal(viewA.ViewId, own.Origin);
    }

    [Fact]
    public async Task Uids_modseq_expunge_history_and_unchangedsince()
    {
        await using var account = await Store.OpenAccountAsync(User("bob"), default);
        var first = await account.AppendAsync("INBOX", Message("1"), SystemFlags.None, [], null, default);
        var second = await account.AppendAsync("INBOX", Message("2"), SystemFlags.Deleted, ["Work", "work", "$Forwarded"], null, default);
        Assert.Equal(first.Uid + 1, second.Uid);
        await using var view = await account.OpenAsync("INBOX", false, default);
        Assert.Equal(2, view!.Messages.Count);
        Assert.Equal(2, view.Messages[1].Keywords.Count);
        var before = view.Status.HighestModSeq;
        Assert.Equal(second.Uid + 1, view.Status.UidNext);
        Assert.Equal(first.UidValidity, view.Status.UidValidity);

        var conditional = await view.StoreFlagsAsync(UidSet.FromUids([first.Uid, second.Uid]), new FlagChange(FlagChangeMode.Add, SystemFlags.Flagged, []), unchangedSince: 0, default);
        Assert.Equal([first.Uid, second.Uid], conditional.Modified);

        var expunged = await view.ExpungeAsync(null, default);
        Assert.Equal([second.Uid], expunged.Expunged);
        Assert.True(expunged.HighestModSeq > before);
        var modSeqView = Assert.IsAssignableFrom<IModSeqMailboxView>(view);
        Assert.Equal([second.Uid], (await modSeqView.ExpungedSinceAsync(before, default))!.ToArray());
        Assert.Empty((await modSeqView.ExpungedSinceAsync(expunged.HighestModSeq, default))!);

        Assert.Equal("1", await ReadAsync(view, first.Uid, 9, 1));
        Assert.Null(await view.OpenContentAsync(second.Uid, 0, null, default));
        var status = await account.GetStatusAsync("INBOX", default);
        Assert.Equal(1, status!.Messages);
        Assert.Equal(expunged.HighestModSeq, status.HighestModSeq);
    }

    [Fact]
    public async Task Copy_and_move_report_uid_mappings_and_keep_flags()
    {
        await using var account = await Store.OpenAccountAsync(User("carol"), default);
        var a = await account.AppendAsync("INBOX", Message("a"), SystemFlags.Seen, ["x"], null, default);
        var b = await account.AppendAsync("INBOX", Message("b"), SystemFlags.None, [], null, default);
        await using var view = await account.OpenAsync("INBOX", false, default);
        var copy = await view!.CopyAsync(UidSet.FromUids([a.Uid, b.Uid]), "Archive", move: false, default);
        Assert.True(copy.Succeeded);
        Assert.Equal([a.Uid, b.Uid], copy.SourceUids);
        Assert.Equal(2, copy.TargetUids.Count);
        var moved = await view.CopyAsync(UidSet.FromUids([a.Uid]), "Trash", move: true, default);
        Assert.True(moved.Succeeded);
        Assert.Equal(2, (await account.GetStatusAsync("Archive", default))!.Messages);
        Assert.Equal(1, (await account.GetStatusAsync("INBOX", default))!.Messages);
        Assert.Equal(a.Uid, (await NextAsync(view, MailboxChangeKind.Expunged)).Uid);

        await using var trash = await account.OpenAsync("Trash", true, default);
        var only = Assert.Single(trash!.Messages);
        Assert.Equal(moved.TargetUids[0], only.Uid);
        Assert.Equal(SystemFlags.Seen, only.Flags);
        Assert.Equal(["x"], only.Keywords);
        Assert.Equal($"Subject: a\r\n\r\nbody of a\r\n", await ReadAsync(trash, only.Uid));
        Assert.Equal(StoreStatus.NotFound, (await view.CopyAsync(UidSet.FromUids([b.Uid]), "Nope", false, default)).Status);
    }

    [Fact]
    public async Task Mailbox_tree_operations_and_special_use()
    {
        await using var account = await Store.OpenAccountAsync(User("dave"), default);
        var list = await account.ListAsync(default);
        Assert.Equal("INBOX", list[0].Name);
        Assert.Contains(list, m => m.Name == "Sent" && m.Role == MailboxRole.Sent && m.IsSubscribed);

        Assert.True((await account.CreateAsync("Projects/2026/Q1", MailboxRole.None, default)).Succeeded);
        Assert.Equal(StoreStatus.AlreadyExists, (await account.CreateAsync("Projects/2026/Q1", MailboxRole.None, default)).Status);
        Assert.True((await account.SetSubscribedAsync("Projects/2026/Q1", true, default)).Succeeded);
        Assert.True((await account.RenameAsync("Projects", "Work", default)).Succeeded);
        list = await account.ListAsync(default);
        Assert.Contains(list, m => m.Name == "Work/2026/Q1");
        Assert.Contains(list, m => m.Name == "Work" && m.HasChildren);
        Assert.DoesNotContain(list, m => m.Name.StartsWith("Projects", StringComparison.Ordinal));
        Assert.Equal(StoreStatus.AlreadyExists, (await account.RenameAsync("Work/2026", "Sent", default)).Status);
        Assert.Equal(StoreStatus.NotFound, (await account.RenameAsync("Nothing", "Else", default)).Status);

        await account.AppendAsync("INBOX", Message("x"), SystemFlags.None, [], null, default);
        Assert.True((await account.RenameAsync("INBOX", "Old", default)).Succeeded);
        Assert.Equal(0, (await account.GetStatusAsync("INBOX", default))!.Messages);
        Assert.Equal(1, (await account.GetStatusAsync("Old", default))!.Messages);
        Assert.Equal(StoreStatus.NotAllowed, (await account.DeleteAsync("inbox", default)).Status);
        Assert.True((await account.DeleteAsync("Old", default)).Succeeded);
        Assert.Null(await account.GetStatusAsync("Old", default));
        Assert.Equal(StoreStatus.NotFound, (await account.DeleteAsync("Old", default)).Status);
        Assert.Equal(StoreStatus.NotFound, (await account.AppendAsync("Old", Message("y"), SystemFlags.None, [], null, default)).Status);
    }

    [Fact]
    public async Task Subscriptions_outlive_their_mailbox_and_may_name_none()
    {
        // RFC 9051 §6.3.9 and RFC 5258 §3: LIST (SUBSCRIBED) shows a subscribed name whose mailbox was deleted, or never
        // existed, with \NonExistent; so the store lists subscriptions, not subscribed mailboxes.
        await using var account = await Store.OpenAccountAsync(User("fay"), default);
        Assert.True((await account.CreateAsync("Lists/dev", MailboxRole.None, default)).Succeeded);
        Assert.True((await account.SetSubscribedAsync("Lists/dev", true, default)).Succeeded);
        Assert.True((await account.SetSubscribedAsync("Never/made", true, default)).Succeeded);
        Assert.True((await account.DeleteAsync("Lists/dev", default)).Succeeded);
        Assert.DoesNotContain(await account.ListAsync(default), m => m.Name == "Lists/dev");

        var subscribed = await account.ListSubscriptionsAsync(default);
        Assert.Contains("Lists/dev", subscribed);
        Assert.Contains("Never/made", subscribed);
        Assert.Equal(subscribed.Order(StringComparer.Ordinal), subscribed);
        Assert.Equal(subscribed.Count, subscribed.Distinct().Count());

        Assert.True((await account.SetSubscribedAsync("Lists/dev", false, default)).Succeeded);
        Assert.DoesNotContain("Lists/dev", await account.ListSubscriptionsAsync(default));
        Assert.Contains("Never/made", await account.ListSubscriptionsAsync(default));
    }

    [Theory]
    [InlineData("../etc")]
    [InlineData("a/../../b")]
    [InlineData("/absolute")]
    [InlineData("with\0nul")]
    [InlineData("tab\there")]
    [InlineData("a//b")]
    [InlineData("")]
    [InlineData("trailing/")]
    [InlineData("back\\slash")]
    public async Task Names_that_could_escape_the_store_are_refused(string name)
    {
        await using var account = await Store.OpenAccountAsync(User("eve"), default);
        Assert.Equal(StoreStatus.InvalidName, (await account.CreateAsync(name, MailboxRole.None, default)).Status);
        Assert.Null(await account.OpenAsync(name, false, default));
    }

    [Theory]
    [InlineData("Robert'); DROP TABLE students;--")]
    [InlineData("100% \"quoted\" _under_ & more")]
    [InlineData("Entwürfe/Привет/日本語")]
    public async Task Names_and_keywords_with_quotes_and_wildcards_are_kept_exactly(string name)
    {
        await using var account = await Store.OpenAccountAsync(User("frank"), default);
        Assert.True((await account.CreateAsync(name, MailboxRole.None, default)).Succeeded);
        Assert.Contains(name, (await account.ListAsync(default)).Select(m => m.Name));
        var keyword = "$x'\"%_";
        var appended = await account.AppendAsync(name, Message("q"), SystemFlags.None, [keyword], null, default);
        Assert.True(appended.Succeeded);
        await using var view = await account.OpenAsync(name, true, default);
        Assert.Equal([keyword], Assert.Single(view!.Messages).Keywords);
        Assert.True((await account.RenameAsync(name, name + "2", default)).Succeeded);
        Assert.Equal(1, (await account.GetStatusAsync(name + "2", default))!.Messages);
    }

    [Fact]
    public async Task Maildrop_lock_is_exclusive_until_released()
    {
        var user = User("gina");
        await using var a = await Store.OpenAccountAsync(user, default);
        await using var b = await Store.OpenAccountAsync(user.ToUpperInvariant(), default);
        var held = await a.TryLockMaildropAsync(default);
        Assert.NotNull(held);
        Assert.Null(await b.TryLockMaildropAsync(default));
        await held!.DisposeAsync();
        await using var again = await b.TryLockMaildropAsync(default);
        Assert.NotNull(again);
    }

    [Fact]
    public async Task Concurrent_deliveries_get_unique_ascending_uids()
    {
        var user = User("hank");
        await Parallel.ForEachAsync(Enumerable.Range(0, 100), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
            Assert.True((await Store.DeliverAsync(new DeliveryRequest("", [new MailboxTarget(user)], DateTimeOffset.UtcNow), Message(i.ToString(CultureInfo.InvariantCulture)), ct)).AllDelivered));
        await using var account = await Store.OpenAccountAsync(user, default);
        await using var view = await account.OpenAsync("INBOX", true, default);
        Assert.Equal(Enumerable.Range(1, 100).Select(i => (uint)i), view!.Messages.Select(m => m.Uid));
    }

    [Fact]
    public async Task One_delivery_to_several_users_gives_each_a_whole_copy_readable_in_ranges()
    {
        var (ann, ben) = (User("ann"), User("ben"));
        var original = Message("big", bodyBytes: 700_000).ToArray();
        var result = await Store.DeliverAsync(new DeliveryRequest("x@remote.test", [new MailboxTarget(ann), new MailboxTarget(ben)], DateTimeOffset.UtcNow), new MemoryStream(original), default);
        Assert.True(result.AllDelivered);
        foreach (var user in new[] { ann, ben })
        {
            await using var account = await Store.OpenAccountAsync(user, default);
            await using var view = await account.OpenAsync("INBOX", false, default);
            var m = Assert.Single(view!.Messages);
            Assert.Equal(original.Length, m.Size);
            Assert.Equal(Encoding.ASCII.GetString(original), await ReadAsync(view, m.Uid));
            foreach (var (offset, length) in new (long, long?)[] { (0, 10), (262_140, 10), (300_000, null), (699_990, 100_000), (original.Length, 5), (5_000_000, null) })
            {
                var from = (int)Math.Min(offset, original.Length);
                var count = (int)Math.Min(length ?? long.MaxValue, original.Length - from);
                Assert.Equal(Encoding.ASCII.GetString(original, from, count), await ReadAsync(view, m.Uid, offset, length));
            }

            // The other user's copy is untouched by this one's expunge.
            await view.RemoveAsync(UidSet.FromUids([m.Uid]), default);
        }
    }

    [Fact]
    public async Task Status_counts_unseen_deleted_and_size()
    {
        await using var account = await Store.OpenAccountAsync(User("ivy"), default);
        await account.AppendAsync("INBOX", Message("a"), SystemFlags.Seen, [], null, default);
        await account.AppendAsync("INBOX", Message("b"), SystemFlags.Deleted, [], null, default);
        await account.AppendAsync("INBOX", Message("c"), SystemFlags.None, [], new DateTimeOffset(2020, 1, 2, 3, 4, 5, TimeSpan.Zero), default);
        var status = await account.GetStatusAsync("INBOX", default);
        Assert.Equal((3, 2, 1), (status!.Messages, status.Unseen, status.Deleted));
        Assert.Equal(3 * Message("a").Length, status.Size);
        await using var view = await account.OpenAsync("INBOX", true, default);
        Assert.Equal(new DateTimeOffset(2020, 1, 2, 3, 4, 5, TimeSpan.Zero), view!.Messages[2].InternalDate);
        Assert.Equal(StoreStatus.NotAllowed, (await view.StoreFlagsAsync(UidSet.FromUids([1]), new FlagChange(FlagChangeMode.Add, SystemFlags.Seen, []), null, default)).Status);
        Assert.Equal(StoreStatus.NotAllowed, (await view.ExpungeAsync(null, default)).Status);
    }

    [Fact]
    public async Task Another_sessions_expunge_and_a_deleted_mailbox_reach_open_views()
    {
        var user = User("jack");
        await using var account = await Store.OpenAccountAsync(user, default);
        Assert.True((await account.CreateAsync("Box", MailboxRole.None, default)).Succeeded);
        var m = await account.AppendAsync("Box", Message("m"), SystemFlags.Deleted, [], null, default);
        await using var watcher = await account.OpenAsync("Box", true, default);
        await using (var other = await Store.OpenAccountAsync(user, default))
        await using (var writer = await other.OpenAsync("Box", false, default))
        {
            Assert.Equal([m.Uid], (await writer!.ExpungeAsync(null, default)).Expunged);
        }

        Assert.Equal(m.Uid, (await NextAsync(watcher!, MailboxChangeKind.Expunged)).Uid);
        Assert.True((await account.DeleteAsync("Box", default)).Succeeded);
        await NextAsync(watcher!, MailboxChangeKind.MailboxGone);
    }
}
