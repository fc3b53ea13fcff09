using System.Text;

namespace MailKitServer.Storage.Maildir.Tests;

/// <summary>
/// An account's usage is counted from its files when first needed (a limit to check, a quota report), not when the
/// account opens (issue 24: opening a 20,000-message account looked at every file), and kept current from then on.
/// </summary>
public sealed class MaildirQuotaCountTests : IDisposable
{
    private const string User = "quinn@example.test";
    private readonly string _root = Directory.CreateTempSubdirectory("mks-quota-").FullName;

    public void Dispose() => MailKitServer.TestSupport.TempDirectories.Delete(_root);

    private string Inbox => Path.Combine(_root, User, "Maildir");

    private static MemoryStream Message(string subject) => new(Encoding.ASCII.GetBytes($"Subject: {subject}\r\n\r\nbody of {subject}\r\n"));

    /// <summary>What the files of the account's folders hold: their count and total length.</summary>
    private (long Bytes, long Messages) OnDisk()
    {
        var files = Directory.EnumerateDirectories(Inbox, ".*").Append(Inbox)
            .SelectMany(d => new[] { Path.Combine(d, "new"), Path.Combine(d, "cur") })
            .Where(Directory.Exists)
            .SelectMany(Directory.EnumerateFiles)
            .ToList();
        return (files.Sum(f => new FileInfo(f).Length), files.Count);
    }

    private void WriteForeignFiles(int count)
    {
        Directory.CreateDirectory(Path.Combine(Inbox, "cur"));
        Directory.CreateDirectory(Path.Combine(Inbox, "new"));
        Directory.CreateDirectory(Path.Combine(Inbox, "tmp"));
        for (var i = 0; i < count; i++)
        {
            File.WriteAllText(Path.Combine(Inbox, "cur", $"1700000000.M{i:D6}P1.elsewhere:2,S"), $"Subject: m{i}\r\n\r\n{new string('x', i)}\r\n");
        }
    }

    private Task<DeliveryResult> DeliverAsync(MaildirMessageStore store, string subject) =>
        store.DeliverAsync(new DeliveryRequest("", [new MailboxTarget(User)], DateTimeOffset.UtcNow), Message(subject), default).AsTask();

    [Fact]
    public async Task Changes_before_the_first_count_are_counted_once_and_later_ones_as_they_happen()
    {
        WriteForeignFiles(20);
        await using var store = new MaildirMessageStore(new MaildirStoreOptions { Root = _root });
        await using var account = await store.OpenAccountAsync(User, default);
        Assert.True((await account.CreateAsync("Sent", MailboxRole.Sent, default)).Succeeded);
        await using var view = await account.OpenAsync("INBOX", false, default);

        // Before anything asked for the usage: deliveries, an append to another folder, an expunge.
        Assert.True((await DeliverAsync(store, "before 1")).AllDelivered);
        Assert.True((await DeliverAsync(store, "before 2")).AllDelivered);
        Assert.Equal(StoreStatus.Success, (await account.AppendAsync("Sent", Message("sent"), SystemFlags.Seen, [], null, default)).Status);
        Assert.Equal([3u], (await view!.RemoveAsync(UidSet.FromUids([3]), default)).Expunged);
        Assert.Equal(OnDisk(), await store.GetUsageAsync(User, default));

        // Counted from here on as they happen.
        Assert.True((await DeliverAsync(store, "after")).AllDelivered);
        Assert.Equal([1u, 2], (await view.RemoveAsync(UidSet.FromUids([1, 2]), default)).Expunged);
        var quota = await ((IQuotaMailAccount)account).GetQuotaAsync(default);
        Assert.Equal(OnDisk(), (quota.StorageBytes, quota.Messages));

        // A fresh store counts the same from the files.
        await using var fresh = new MaildirMessageStore(new MaildirStoreOptions { Root = _root });
        Assert.Equal(OnDisk(), await fresh.GetUsageAsync(User, default));
    }

    [Fact]
    public async Task A_large_expunge_of_files_whose_sizes_were_not_read_yet_takes_their_sizes_off_the_usage()
    {
        // Foreign files without ,S= in their names: their sizes are read when first needed, here by the expunge, from
        // several threads' batch (the sizes are read before any file goes).
        WriteForeignFiles(300);
        await using var store = new MaildirMessageStore(new MaildirStoreOptions { Root = _root });
        await using var account = await store.OpenAccountAsync(User, default);
        await using var view = await account.OpenAsync("INBOX", false, default);
        Assert.Equal(OnDisk(), await store.GetUsageAsync(User, default));
        var doomed = view!.Messages.Select(m => m.Uid).Where(u => u % 6 != 0).ToList();
        Assert.True(MaildirBatchDeletion.ThreadsFor(doomed.Count) > 1);

        Assert.Equal(doomed, (await view.RemoveAsync(UidSet.FromUids(doomed), default)).Expunged);

        var quota = await ((IQuotaMailAccount)account).GetQuotaAsync(default);
        Assert.Equal(OnDisk(), (quota.StorageBytes, quota.Messages));
        Assert.Equal(300 - doomed.Count, quota.Messages);
    }

    [Fact]
    public async Task A_limit_is_enforced_on_the_first_delivery_after_a_restart()
    {
        WriteForeignFiles(3);
        await using var store = new MaildirMessageStore(new MaildirStoreOptions { Root = _root, QuotaMessages = 4 });
        Assert.True((await DeliverAsync(store, "fourth")).AllDelivered);
        var refused = await DeliverAsync(store, "fifth");
        Assert.Equal(StoreStatus.OverQuota, Assert.Single(refused.Outcomes).Status);
        Assert.Equal(OnDisk(), await store.GetUsageAsync(User, default));
    }

    [Fact]
    public async Task A_size_the_file_name_carries_is_taken_from_the_name_as_dovecot_does()
    {
        Directory.CreateDirectory(Path.Combine(Inbox, "cur"));
        Directory.CreateDirectory(Path.Combine(Inbox, "new"));
        Directory.CreateDirectory(Path.Combine(Inbox, "tmp"));
        await File.WriteAllTextAsync(Path.Combine(Inbox, "cur", "1700000000.M1P1.elsewhere,S=5000,W=5100:2,S"), "Subject: named\r\n\r\nx\r\n");
        await File.WriteAllTextAsync(Path.Combine(Inbox, "new", "1700000000.M2P1.elsewhere"), "Subject: unnamed\r\n\r\nxy\r\n");
        await using var store = new MaildirMessageStore(new MaildirStoreOptions { Root = _root });
        Assert.Equal((5000 + "Subject: unnamed\r\n\r\nxy\r\n".Length, 2L), await store.GetUsageAsync(User, default));
    }
}
