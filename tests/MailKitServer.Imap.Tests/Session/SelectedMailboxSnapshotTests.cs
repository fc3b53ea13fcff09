using System.Text;
using MailKitServer.Imap.Parsing;
using MailKitServer.Imap.Session;
using MailKitServer.Storage;
using MailKitServer.Storage.InMemory;

namespace MailKitServer.Imap.Tests.Session;

/// <summary>
/// A selected mailbox reads the store's snapshot until it needs entries of its own (issue 24, "SELECT once": a SELECT
/// made an object per message), and behaves the same whether its entries were made at SELECT or later.
/// </summary>
public sealed class SelectedMailboxSnapshotTests
{
    private const string User = "snap@example.test";

    private static async Task<InMemoryMessageStore> StoreWithAsync(int messages)
    {
        var store = new InMemoryMessageStore();
        for (var i = 0; i < messages; i++)
        {
            var content = new MemoryStream(Encoding.ASCII.GetBytes($"Subject: m{i}\r\n\r\nbody {i}\r\n"));
            await store.DeliverAsync(new DeliveryRequest("", [new MailboxTarget(User)], DateTimeOffset.UtcNow), content, default);
        }

        return store;
    }

    private static SelectedMailbox Select(IMailboxView view, RecentTracker recent) =>
        new(view, recent, RecentTracker.Key(User, "INBOX", view.Status.UidValidity), new StructureCache(1 << 20, 1 << 16));

    [Fact]
    public async Task A_select_and_the_lookups_it_needs_make_no_entry_per_message()
    {
        var store = await StoreWithAsync(2000);
        await using var account = await store.OpenAccountAsync(User, default);
        await using var first = (await account.OpenAsync("INBOX", false, default))!;
        await using var second = (await account.OpenAsync("INBOX", false, default))!;
        var recent = new RecentTracker();
        Select(first, recent).ClaimRecent(); // the first session takes \Recent; the second claims nothing

        Assert.True(SequenceSet.TryParse("1990:*", out var set));
        var before = GC.GetAllocatedBytesForCurrentThread();
        var selected = Select(second, recent);
        selected.ClaimRecent();
        var answers = (selected.Count, selected.LargestUid, selected.IndexOfUid(1500), selected.UidAt(1499), selected.InfoAt(0).Flags, selected.Resolve(set, byUid: true).Count);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal((2000, 2000u, 1499, 1500u, SystemFlags.None, 11), answers);
        Assert.False(selected.HasOwnEntries);
        Assert.True(allocated < 8 * 1024, $"{allocated} bytes allocated");

        // A command that works on the entries makes them, from the same snapshot.
        Assert.Same(second.Messages[1234], selected[1234].Info);
        Assert.True(selected.HasOwnEntries);
        Assert.Same(second.Messages[1234], selected.InfoAt(1234));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task A_session_whose_entries_are_made_late_says_what_one_that_made_them_at_select_says(int seed)
    {
        var store = await StoreWithAsync(40);
        await using var account = await store.OpenAccountAsync(User, default);
        await using var other = (await account.OpenAsync("INBOX", false, default))!;
        await using var eagerView = (await account.OpenAsync("INBOX", false, default))!;
        await using var lateView = (await account.OpenAsync("INBOX", false, default))!;
        // Each with a tracker of its own, so both claim \Recent as a first session does.
        var eager = Select(eagerView, new RecentTracker());
        eager.ClaimRecent();
        _ = eager[0];
        var late = Select(lateView, new RecentTracker());
        late.ClaimRecent();
        Assert.False(late.HasOwnEntries);

        var random = new Random(seed);
        for (var step = 0; step < 30; step++)
        {
            var uids = other.Messages.Select(m => m.Uid).ToList();
            switch (random.Next(4))
            {
                case 0 when uids.Count > 0:
                    var pick = UidSet.FromUids(uids.Where(_ => random.Next(5) == 0));
                    await other.StoreFlagsAsync(pick, new FlagChange(FlagChangeMode.Add, SystemFlags.Seen, [$"k{random.Next(3)}"]), null, default);
                    break;
                case 1 when uids.Count > 0:
                    await other.RemoveAsync(UidSet.FromUids(uids.Where(_ => random.Next(6) == 0)), default);
                    break;
                case 2:
                    await other.AppendAsync(new MemoryStream(Encoding.ASCII.GetBytes($"Subject: new{step}\r\n\r\nx\r\n")), SystemFlags.None, [], null, default);
                    break;
                default:
                    break; // a look without a change
            }

            var allowExpunge = random.Next(2) == 0;
            var enabled = random.Next(2) == 0 ? ImapExtensions.None : ImapExtensions.CondStore;
            Assert.Equal(Said(eager, allowExpunge, enabled), Said(late, allowExpunge, enabled));
        }

        Assert.Equal(Picture(eager), Picture(late));
    }

    /// <summary>What a session tells its client after reading the store's changes, then every message as it knows it.</summary>
    private static List<string> Said(SelectedMailbox selected, bool allowExpunge, ImapExtensions enabled)
    {
        var output = new List<string>();
        selected.Flush(allowExpunge, enabled, output.Add);
        output.Add($"count {selected.Count}, largest {selected.LargestUid}, recent {selected.RecentCount}");
        output.AddRange(Picture(selected));
        return output;
    }

    private static IEnumerable<string> Picture(SelectedMailbox selected) =>
        Enumerable.Range(0, selected.Count).Select(i => $"{i + 1} {selected.UidAt(i)} {selected.FlagsOf(selected.InfoAt(i), ImapExtensions.None)} {selected.InfoAt(i).ModSeq}");
}
