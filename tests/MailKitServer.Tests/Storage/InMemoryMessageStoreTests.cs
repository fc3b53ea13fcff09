using System.Text;
using MailKitServer.Storage;
using MailKitServer.Storage.InMemory;

namespace MailKitServer.Tests.Storage;

public class InMemoryMessageStoreTests
{
    private static MemoryStream Message(string subject) => new(Encoding.ASCII.GetBytes($"Subject: {subject}\r\n\r\nbody\r\n"));

    private static async Task<MailboxChange> NextAsync(IMailboxView view) =>
        await view.Changes.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5));

    [Fact]
    public async Task Delivery_is_seen_by_every_open_session_of_the_mailbox()
    {
        var store = new InMemoryMessageStore();
        await using var a = await store.OpenAccountAsync("alice", default);
        await using var b = await store.OpenAccountAsync("alice", default);
        await using var viewA = await a.OpenAsync("INBOX", readOnly: false, default);
        await using var viewB = await b.OpenAsync("inbox", readOnly: true, default);
        Assert.Empty(viewA!.Messages);

        var result = await store.DeliverAsync(new DeliveryRequest("x@y", [new MailboxTarget("alice")], DateTimeOffset.UtcNow), Message("one"), default);
        Assert.True(result.AllDelivered);

        var seenA = await NextAsync(viewA);
        var seenB = await NextAsync(viewB!);
        Assert.Equal(MailboxChangeKind.Added, seenA.Kind);
        Assert.Equal(seenA.Uid, seenB.Uid);
        Assert.Equal(0, seenB.Origin);

        // A flag change made in one session reaches the other, marked with its origin.
        var stored = await viewA.StoreFlagsAsync(UidSet.FromUids([seenA.Uid]), new FlagChange(FlagChangeMode.Add, SystemFlags.Seen, ["$Label1"]), null, default);
        Assert.Single(stored.Changed);
        var flagged = await NextAsync(viewB!);
        Assert.Equal(MailboxChangeKind.FlagsChanged, flagged.Kind);
        Assert.Equal(SystemFlags.Seen, flagged.Message!.Flags);
        Assert.Equal(["$Label1"], flagged.Message.Keywords);
        Assert.Equal(viewA.ViewId, flagged.Origin);
        Assert.True(flagged.ModSeq > seenA.ModSeq);
    }

    [Fact]
    public async Task Uids_modseq_expunge_history_and_unchangedsince()
    {
        var store = new InMemoryMessageStore();
        await using var account = await store.OpenAccountAsync("bob", default);
        var first = await account.AppendAsync("INBOX", Message("1"), SystemFlags.None, [], null, default);
        var second = await account.AppendAsync("INBOX", Message("2"), SystemFlags.Deleted, [], null, default);
        Assert.Equal(first.Uid + 1, second.Uid);
        await using var view = await account.OpenAsync("INBOX", false, default);
        var before = view!.Status.HighestModSeq;
        Assert.Equal(second.Uid + 1, view.Status.UidNext);

        var conditional = await view.StoreFlagsAsync(UidSet.FromUids([first.Uid, second.Uid]), new FlagChange(FlagChangeMode.Add, SystemFlags.Flagged, []), unchangedSince: 0, default);
        Assert.Equal([first.Uid, second.Uid], conditional.Modified);

        var expunged = await view.ExpungeAsync(null, default);
        Assert.Equal([second.Uid], expunged.Expunged);
        var modSeqView = Assert.IsAssignableFrom<IModSeqMailboxView>(view);
        Assert.Equal([second.Uid], (await modSeqView.ExpungedSinceAsync(before, default))!.ToArray());
        Assert.Empty((await modSeqView.ExpungedSinceAsync(expunged.HighestModSeq, default))!);

        await using var content = await view.OpenContentAsync(first.Uid, 9, 1, default);
        Assert.Equal((byte)'1', (byte)content!.ReadByte());
        Assert.Null(await view.OpenContentAsync(second.Uid, 0, null, default));
    }

    [Fact]
    public async Task Copy_and_move_report_uid_mappings()
    {
        var store = new InMemoryMessageStore();
        await using var account = await store.OpenAccountAsync("carol", default);
        var a = await account.AppendAsync("INBOX", Message("a"), SystemFlags.Seen, ["x"], null, default);
        await using var view = await account.OpenAsync("INBOX", false, default);
        var copy = await view!.CopyAsync(UidSet.FromUids([a.Uid]), "Archive", move: true, default);
        Assert.True(copy.Succeeded);
        Assert.Equal([a.Uid], copy.SourceUids);
        var archive = await account.GetStatusAsync("Archive", default);
        Assert.Equal(1, archive!.Messages);
        Assert.Equal(0, (await account.GetStatusAsync("INBOX", default))!.Messages);
        Assert.Equal(StoreStatus.NotFound, (await view.CopyAsync(UidSet.FromUids([a.Uid]), "Nope", false, default)).Status);
    }

    [Fact]
    public async Task Mailbox_tree_operations_and_special_use()
    {
        var store = new InMemoryMessageStore();
        await using var account = await store.OpenAccountAsync("dave", default);
        var list = await account.ListAsync(default);
        Assert.Equal("INBOX", list[0].Name);
        Assert.Contains(list, m => m.Name == "Sent" && m.Role == MailboxRole.Sent && m.IsSubscribed);

        Assert.True((await account.CreateAsync("Projects/2026/Q1", MailboxRole.None, default)).Succeeded);
        Assert.Equal(StoreStatus.AlreadyExists, (await account.CreateAsync("Projects/2026/Q1", MailboxRole.None, default)).Status);
        Assert.True((await account.RenameAsync("Projects", "Work", default)).Succeeded);
        list = await account.ListAsync(default);
        Assert.Contains(list, m => m.Name == "Work/2026/Q1");
        Assert.Contains(list, m => m.Name == "Work" && m.HasChildren);
        Assert.DoesNotContain(list, m => m.Name.StartsWith("Projects", StringComparison.Ordinal));

        await account.AppendAsync("INBOX", Message("x"), SystemFlags.None, [], null, default);
        Assert.True((await account.RenameAsync("INBOX", "Old", default)).Succeeded);
        Assert.Equal(0, (await account.GetStatusAsync("INBOX", default))!.Messages);
        Assert.Equal(1, (await account.GetStatusAsync("Old", default))!.Messages);
        Assert.Equal(StoreStatus.NotAllowed, (await account.DeleteAsync("inbox", default)).Status);
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
        var store = new InMemoryMessageStore();
        await using var account = await store.OpenAccountAsync("eve", default);
        Assert.Equal(StoreStatus.InvalidName, (await account.CreateAsync(name, MailboxRole.None, default)).Status);
        Assert.Null(await account.OpenAsync(name, false, default));
    }

    [Fact]
    public async Task Maildrop_lock_is_exclusive_until_released()
    {
        var store = new InMemoryMessageStore();
        await using var a = await store.OpenAccountAsync("frank", default);
        await using var b = await store.OpenAccountAsync("FRANK", default);
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
        var store = new InMemoryMessageStore();
        await Parallel.ForEachAsync(Enumerable.Range(0, 200), async (i, ct) =>
            await store.DeliverAsync(new DeliveryRequest("", [new MailboxTarget("gina")], DateTimeOffset.UtcNow), Message(i.ToString(System.Globalization.CultureInfo.InvariantCulture)), ct));
        await using var account = await store.OpenAccountAsync("gina", default);
        await using var view = await account.OpenAsync("INBOX", true, default);
        Assert.Equal(200, view!.Messages.Count);
        Assert.Equal(Enumerable.Range(1, 200).Select(i => (uint)i), view.Messages.Select(m => m.Uid));
    }
}
