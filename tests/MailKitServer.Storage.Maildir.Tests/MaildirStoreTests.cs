using System.Text;
using MailKitServer.Storage;
using MailKitServer.Storage.Maildir;

namespace MailKitServer.Storage.Maildir.Tests;

public sealed class MaildirStoreTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("mks-maildir-").FullName;

    /// <summary>Removes the root (a store's background index save may still be writing into it for a moment).</summary>
    public void Dispose() => MailKitServer.TestSupport.TempDirectories.Delete(_root);

    private MaildirMessageStore NewStore() => new(new MaildirStoreOptions { Root = _root });

    private static MemoryStream Message(string subject) => new(Encoding.ASCII.GetBytes($"Subject: {subject}\r\n\r\nbody of {subject}\r\n"));

    private string Inbox(string user) => Path.Combine(_root, user, "Maildir");

    [Fact]
    public async Task Delivery_is_a_file_in_new_named_with_its_uid_and_one_copy_per_user()
    {
        var store = NewStore();
        var result = await store.DeliverAsync(new DeliveryRequest("a@b.test", [new MailboxTarget("alice@example.test"), new MailboxTarget("bob@example.test")], DateTimeOffset.UtcNow), Message("hello"), default);
        Assert.True(result.AllDelivered);
        var file = Assert.Single(Directory.GetFiles(Path.Combine(Inbox("alice@example.test"), "new")));
        Assert.EndsWith(",U=1", file, StringComparison.Ordinal);
        Assert.Contains(",S=", file, StringComparison.Ordinal);
        Assert.Equal("Subject: hello\r\n\r\nbody of hello\r\n", await File.ReadAllTextAsync(file));
        Assert.Single(Directory.GetFiles(Path.Combine(Inbox("bob@example.test"), "new")));
        Assert.Empty(Directory.GetFiles(Path.Combine(Inbox("alice@example.test"), "tmp")));
        Assert.True(Directory.Exists(Path.Combine(Inbox("alice@example.test"), ".Sent", "cur")));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_lost_or_corrupt_index_is_rebuilt_with_the_same_uids_and_uidvalidity(bool corrupt)
    {
        var store = NewStore();
        for (var i = 0; i < 5; i++)
        {
            await store.DeliverAsync(new DeliveryRequest("", [new MailboxTarget("alice@example.test")], DateTimeOffset.UtcNow), Message($"m{i}"), default);
        }

        MailboxStatus before;
        await using (var account = await store.OpenAccountAsync("alice@example.test", default))
        await using (var view = await account.OpenAsync("INBOX", false, default))
        {
            await view!.StoreFlagsAsync(UidSet.FromUids([2]), new FlagChange(FlagChangeMode.Add, SystemFlags.Seen | SystemFlags.Flagged, []), null, default);
            await view.StoreFlagsAsync(UidSet.FromUids([3]), new FlagChange(FlagChangeMode.Add, SystemFlags.Deleted, []), null, default);
            await view.ExpungeAsync(null, default);
            before = (await account.GetStatusAsync("INBOX", default))!;
        }

        // Save the index now (the background save then finds nothing to do), so the damage below is not repaired by it.
        await store.FlushAsync();
        var index = Path.Combine(Inbox("alice@example.test"), "mailkitserver.index");
        Assert.True(File.Exists(index));
        if (corrupt)
        {
            await File.WriteAllTextAsync(index, "MKS 1\nM garbage\n");
        }
        else
        {
            File.Delete(index);
        }

        await using var again = await NewStore().OpenAccountAsync("alice@example.test", default);
        await using var rebuilt = await again.OpenAsync("INBOX", true, default);
        Assert.Equal(before.UidValidity, rebuilt!.Status.UidValidity);
        Assert.Equal([1u, 2, 4, 5], rebuilt.Messages.Select(m => m.Uid));
        Assert.Equal(SystemFlags.Seen | SystemFlags.Flagged, rebuilt.Messages.Single(m => m.Uid == 2).Flags);
        Assert.Equal(6u, rebuilt.Status.UidNext);
    }

    [Fact]
    public async Task Files_from_other_programs_are_picked_up_and_their_flag_changes_seen()
    {
        var store = NewStore();
        await store.DeliverAsync(new DeliveryRequest("", [new MailboxTarget("alice@example.test")], DateTimeOffset.UtcNow), Message("ours"), default);
        var inbox = Inbox("alice@example.test");
        await File.WriteAllTextAsync(Path.Combine(inbox, "new", "1700000000.M1P1.otherhost"), "Subject: dropped by another MDA\r\n\r\nx\r\n");
        var ours = Directory.GetFiles(Path.Combine(inbox, "new")).Single(f => f.EndsWith(",U=1", StringComparison.Ordinal));
        File.Move(ours, Path.Combine(inbox, "cur", Path.GetFileName(ours) + ":2,RS"));

        await using var account = await store.OpenAccountAsync("alice@example.test", default);
        await using var view = await account.OpenAsync("INBOX", false, default);
        Assert.Equal([1u, 2], view!.Messages.Select(m => m.Uid));
        Assert.Equal(SystemFlags.Seen | SystemFlags.Answered, view.Messages[0].Flags);
        await using var content = await view.OpenContentAsync(2, 0, null, default);
        Assert.StartsWith("Subject: dropped", await new StreamReader(content!).ReadToEndAsync(), StringComparison.Ordinal);

        // Our flag change renames the file the Maildir way: system flags, then the keyword's letter (Dovecot's scheme).
        await view.StoreFlagsAsync(UidSet.FromUids([2]), new FlagChange(FlagChangeMode.Add, SystemFlags.Flagged, ["$Label1"]), null, default);
        Assert.Contains(Directory.GetFiles(Path.Combine(inbox, "cur")), f => f.EndsWith(",U=2:2,Fa", StringComparison.Ordinal));
        Assert.Equal("0 $Label1\n", await File.ReadAllTextAsync(Path.Combine(inbox, "dovecot-keywords")));
    }

    [Fact]
    public async Task Content_is_found_after_another_program_renamed_the_file_under_an_open_view()
    {
        // Readers open the path the folder last saw without a look at the disk; a file renamed meanwhile (flags set by
        // another program) must still be found, and a file removed meanwhile is gone, not an error.
        var store = NewStore();
        await store.DeliverAsync(new DeliveryRequest("", [new MailboxTarget("gina@example.test")], DateTimeOffset.UtcNow), Message("one"), default);
        await store.DeliverAsync(new DeliveryRequest("", [new MailboxTarget("gina@example.test")], DateTimeOffset.UtcNow), Message("two"), default);
        await using var account = await store.OpenAccountAsync("gina@example.test", default);
        await using var view = await account.OpenAsync("INBOX", false, default);
        await using (var first = await view!.OpenContentAsync(1, 0, null, default))
        {
            Assert.StartsWith("Subject: one", await new StreamReader(first!).ReadToEndAsync(), StringComparison.Ordinal);
        }

        var inbox = Inbox("gina@example.test");
        var one = Directory.GetFiles(Path.Combine(inbox, "new")).Single(f => f.EndsWith(",U=1", StringComparison.Ordinal));
        File.Move(one, Path.Combine(inbox, "cur", Path.GetFileName(one) + ":2,S"));
        File.Delete(Directory.GetFiles(Path.Combine(inbox, "new")).Single(f => f.EndsWith(",U=2", StringComparison.Ordinal)));

        await using (var renamed = await view.OpenContentAsync(1, 0, null, default))
        {
            Assert.StartsWith("Subject: one", await new StreamReader(renamed!).ReadToEndAsync(), StringComparison.Ordinal);
        }

        Assert.Null(await view.OpenContentAsync(2, 0, null, default));
    }

    [Fact]
    public async Task Uidvalidity_grows_every_time_a_mailbox_is_created_again_also_across_a_restart()
    {
        // RFC 3501 §2.3.1.1: a mailbox deleted and created again must not reuse a UIDVALIDITY; clients rely on growth.
        var values = new List<uint>();
        for (var restart = 0; restart < 2; restart++)
        {
            await using var store = NewStore();
            await using var account = await store.OpenAccountAsync("erin@example.test", default);
            for (var i = 0; i < 10; i++)
            {
                Assert.True((await account.CreateAsync("Projects", MailboxRole.None, default)).Succeeded);
                values.Add((await account.GetStatusAsync("Projects", default))!.UidValidity);
                Assert.True((await account.DeleteAsync("Projects", default)).Succeeded);
            }
        }

        for (var i = 1; i < values.Count; i++)
        {
            Assert.True(values[i] > values[i - 1], $"creation {i}: {values[i]} after {values[i - 1]} ({string.Join(", ", values)})");
        }

        // Every folder of the account draws from the same counter.
        await using var last = await NewStore().OpenAccountAsync("erin@example.test", default);
        Assert.True((await last.CreateAsync("Other", MailboxRole.None, default)).Succeeded);
        Assert.True((await last.GetStatusAsync("Other", default))!.UidValidity > values[^1]);
    }

    [Fact]
    public async Task Appended_internal_date_with_its_zone_and_keywords_are_in_the_file_itself()
    {
        var date = new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.FromHours(2));
        await using (var store = NewStore())
        {
            await using var account = await store.OpenAccountAsync("fred@example.test", default);
            var appended = await account.AppendAsync("INBOX", Message("dated"), SystemFlags.Flagged, ["$Work", "Later"], date, default);
            Assert.Equal(StoreStatus.Success, appended.Status);
        }

        var inbox = Inbox("fred@example.test");
        var file = Assert.Single(Directory.GetFiles(Path.Combine(inbox, "cur")));
        Assert.Matches(@",Z=\+0200,U=1:2,Fab$", file);
        Assert.Equal(date.UtcDateTime, File.GetLastWriteTimeUtc(file));
        Assert.Equal("0 $Work\n1 Later\n", await File.ReadAllTextAsync(Path.Combine(inbox, "dovecot-keywords")));

        // Without the index (as after a crash before it was saved) the message is read back whole from the file.
        File.Delete(Path.Combine(inbox, "mailkitserver.index"));
        await using var again = await NewStore().OpenAccountAsync("fred@example.test", default);
        await using var view = await again.OpenAsync("INBOX", true, default);
        var message = Assert.Single(view!.Messages);
        Assert.Equal(date, message.InternalDate);
        Assert.Equal(TimeSpan.FromHours(2), message.InternalDate.Offset);
        Assert.Equal(SystemFlags.Flagged, message.Flags);
        Assert.Equal(["$Work", "Later"], message.Keywords);
    }

    [Fact]
    public async Task Folder_names_map_to_maildirplusplus_and_cannot_escape()
    {
        var store = NewStore();
        await using var account = await store.OpenAccountAsync("carol@example.test", default);
        Assert.True((await account.CreateAsync("Work/2026", MailboxRole.None, default)).Succeeded);
        Assert.True((await account.CreateAsync("v1.2 Entwürfe", MailboxRole.None, default)).Succeeded);
        var root = Inbox("carol@example.test");
        Assert.True(Directory.Exists(Path.Combine(root, ".Work.2026", "cur")));
        Assert.True(Directory.Exists(Path.Combine(root, ".v1&AC4-2 Entw&APw-rfe", "cur")));
        foreach (var bad in new[] { "../../etc", "/abs", "a\0b", "a/../b" })
        {
            Assert.Equal(StoreStatus.InvalidName, (await account.CreateAsync(bad, MailboxRole.None, default)).Status);
        }

        var names = (await account.ListAsync(default)).Select(m => m.Name).ToList();
        Assert.Contains("Work/2026", names);
        Assert.Contains("v1.2 Entwürfe", names);
        Assert.True((await account.RenameAsync("Work", "Job", default)).Succeeded);
        Assert.Contains("Job/2026", (await account.ListAsync(default)).Select(m => m.Name));
        Assert.True((await account.DeleteAsync("Job/2026", default)).Succeeded);
        Assert.DoesNotContain("Job/2026", (await account.ListAsync(default)).Select(m => m.Name));
        Assert.Equal(MailboxRole.Sent, (await account.ListAsync(default)).Single(m => m.Name == "Sent").Role);
    }

    [Fact]
    public async Task Two_stores_on_one_root_never_lose_an_update()
    {
        // Two store instances stand for two processes: the lock file keeps their index updates apart.
        var first = NewStore();
        var second = NewStore();
        await Parallel.ForEachAsync(Enumerable.Range(0, 60), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            var store = i % 2 == 0 ? first : second;
            await store.DeliverAsync(new DeliveryRequest("", [new MailboxTarget("dave@example.test")], DateTimeOffset.UtcNow), Message($"n{i}"), ct);
            if (i % 5 == 0)
            {
                await using var account = await store.OpenAccountAsync("dave@example.test", ct);
                await using var view = await account.OpenAsync("INBOX", false, ct);
                var target = view!.Messages.FirstOrDefault();
                if (target is not null)
                {
                    await view.StoreFlagsAsync(UidSet.FromUids([target.Uid]), new FlagChange(FlagChangeMode.Add, SystemFlags.Deleted, []), null, ct);
                    await view.ExpungeAsync(null, ct);
                }
            }
        });

        await using var check = await NewStore().OpenAccountAsync("dave@example.test", default);
        await using var inbox = await check.OpenAsync("INBOX", true, default);
        var files = Directory.GetFiles(Path.Combine(Inbox("dave@example.test"), "new")).Concat(Directory.GetFiles(Path.Combine(Inbox("dave@example.test"), "cur"))).ToList();
        Assert.Equal(files.Count, inbox!.Messages.Count);
        Assert.Equal(inbox.Messages.Count, inbox.Messages.Select(m => m.Uid).Distinct().Count());
        Assert.InRange(inbox.Messages.Count, 60 - 12, 60);
    }

    [Fact]
    public async Task Quotas_are_counted_incrementally_and_enforced()
    {
        var store = new MaildirMessageStore(new MaildirStoreOptions { Root = _root, QuotaMessages = 3, QuotaBytes = 10_000 });
        for (var i = 0; i < 3; i++)
        {
            Assert.True((await store.DeliverAsync(new DeliveryRequest("", [new MailboxTarget("erin@example.test")], DateTimeOffset.UtcNow), Message($"q{i}"), default)).AllDelivered);
        }

        var refused = await store.DeliverAsync(new DeliveryRequest("", [new MailboxTarget("erin@example.test")], DateTimeOffset.UtcNow), Message("too many"), default);
        Assert.Equal(StoreStatus.OverQuota, Assert.Single(refused.Outcomes).Status);
        var (bytes, messages) = await store.GetUsageAsync("erin@example.test", default);
        Assert.Equal(3, messages);
        Assert.Equal(3 * Message("q0").Length, bytes);

        await using (var account = await store.OpenAccountAsync("erin@example.test", default))
        await using (var view = await account.OpenAsync("INBOX", false, default))
        {
            await view!.RemoveAsync(UidSet.FromUids([1]), default);
            Assert.Equal(StoreStatus.Success, (await account.AppendAsync("Sent", Message("fits again"), SystemFlags.Seen, [], null, default)).Status);
            Assert.Equal(StoreStatus.OverQuota, (await account.AppendAsync("Sent", Message("over"), SystemFlags.Seen, [], null, default)).Status);
        }

        // A fresh store counts the same from the files.
        Assert.Equal(3, (await NewStore().GetUsageAsync("erin@example.test", default)).Messages);
    }

    [Fact]
    public async Task A_file_dropped_in_by_another_program_reaches_an_open_view_without_a_command()
    {
        var store = NewStore();
        await using var account = await store.OpenAccountAsync("frank@example.test", default);
        await using var view = await account.OpenAsync("INBOX", true, default);
        var inbox = Inbox("frank@example.test");
        await File.WriteAllTextAsync(Path.Combine(inbox, "tmp", "1700000001.M1P2.mda"), "Subject: from procmail\r\n\r\nx\r\n");
        File.Move(Path.Combine(inbox, "tmp", "1700000001.M1P2.mda"), Path.Combine(inbox, "new", "1700000001.M1P2.mda"));
        var change = await view!.Changes.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(MailboxChangeKind.Added, change.Kind);
        Assert.Equal(1u, change.Uid);
    }

    /// <summary>
    /// Issue 15 item 6: deleting a folder while its watchers react to the files going away and a background index
    /// save is pending used to fail ("Directory not empty": the lock or index file was written again into the folder
    /// being removed), and imaptest's DELETE between groups ended the session.
    /// </summary>
    [Fact]
    public async Task Delete_waits_for_the_folders_background_work_and_nothing_writes_into_it_afterwards()
    {
        var store = NewStore();
        await using var account = await store.OpenAccountAsync("alice@example.test", default);
        for (var round = 0; round < 15; round++)
        {
            var name = $"Box{round}";
            Assert.True((await account.CreateAsync(name, MailboxRole.None, default)).Succeeded);
            for (var i = 0; i < 30; i++)
            {
                await account.AppendAsync(name, Message($"m{i}"), SystemFlags.None, [], null, default);
            }

            await using (var view = await account.OpenAsync(name, false, default))
            {
                await view!.StoreFlagsAsync(UidSet.FromRanges([new UidRange(1, uint.MaxValue)]), new FlagChange(FlagChangeMode.Add, SystemFlags.Seen, ["$Read"]), null, default);
                var deleted = await account.DeleteAsync(name, default);
                Assert.True(deleted.Succeeded, deleted.Message);
            }

            Assert.False(Directory.Exists(Path.Combine(Inbox("alice@example.test"), "." + name)));
        }

        await store.FlushAsync();
        Assert.Empty(Directory.EnumerateDirectories(Inbox("alice@example.test"), ".Box*"));
    }
}
