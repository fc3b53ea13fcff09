namespace MailKitServer.Storage.Maildir.Tests;

/// <summary>
/// A view opened on a folder hands out the <see cref="MessageInfo"/> each message's entry made last, until one of its
/// facts changes (issue 24: every SELECT of a 20,000-message folder made 20,000 of them). A view opened after a change
/// sees the change in a new object; one opened before keeps its snapshot; unchanged messages share their object.
/// </summary>
public sealed class ViewInfoReuseTests : IDisposable
{
    private const string User = "reuse@example.test";
    private readonly string _root = Directory.CreateTempSubdirectory("mks-reuse-").FullName;

    public void Dispose() => MailKitServer.TestSupport.TempDirectories.Delete(_root);

    [Fact]
    public async Task Views_share_unchanged_infos_and_see_every_change_in_a_new_one()
    {
        await using var store = new MaildirMessageStore(new MaildirStoreOptions { Root = _root });
        await using var account = await store.OpenAccountAsync(User, default);
        await using (var writer = (await account.OpenAsync("INBOX", false, default))!)
        {
            for (var i = 0; i < 3; i++)
            {
                using var content = new MemoryStream(System.Text.Encoding.ASCII.GetBytes($"Subject: m{i}\r\n\r\nbody {i}\r\n"));
                await writer.AppendAsync(content, SystemFlags.None, [], null, default);
            }
        }

        await using var before = (await account.OpenAsync("INBOX", false, default))!;
        await using var again = (await account.OpenAsync("INBOX", true, default))!;
        Assert.All(Enumerable.Range(0, 3), i => Assert.Same(before.Messages[i], again.Messages[i]));

        var first = before.Messages[0];
        await before.StoreFlagsAsync(UidSet.FromUids([first.Uid]), new FlagChange(FlagChangeMode.Add, SystemFlags.Flagged, ["$Label1"]), null, default);
        await using var after = (await account.OpenAsync("INBOX", true, default))!;

        // The changed message: a new object with the new flags, keyword and MODSEQ; the old views keep theirs.
        Assert.NotSame(first, after.Messages[0]);
        Assert.Equal(SystemFlags.Flagged, after.Messages[0].Flags);
        Assert.Equal(["$Label1"], after.Messages[0].Keywords);
        Assert.True(after.Messages[0].ModSeq > first.ModSeq);
        Assert.Equal(SystemFlags.None, again.Messages[0].Flags);
        Assert.Empty(again.Messages[0].Keywords);

        // The others: the same objects as before.
        Assert.Same(again.Messages[1], after.Messages[1]);
        Assert.Same(again.Messages[2], after.Messages[2]);
    }

    [Fact]
    public async Task Views_opened_while_nothing_changed_share_one_snapshot_and_a_change_or_an_expunge_makes_a_new_one()
    {
        await using var store = new MaildirMessageStore(new MaildirStoreOptions { Root = _root });
        await using var account = await store.OpenAccountAsync(User, default);
        await using (var writer = (await account.OpenAsync("INBOX", false, default))!)
        {
            for (var i = 0; i < 4; i++)
            {
                using var content = new MemoryStream(System.Text.Encoding.ASCII.GetBytes($"Subject: m{i}\r\n\r\nbody {i}\r\n"));
                await writer.AppendAsync(content, SystemFlags.None, [], null, default);
            }
        }

        await using var first = (await account.OpenAsync("INBOX", false, default))!;
        await using var second = (await account.OpenAsync("INBOX", true, default))!;
        Assert.Same(first.Messages, second.Messages);
        Assert.Equal(first.Status, second.Status);

        // A flag change: a new snapshot for the next view, the open ones keep theirs (unchanged).
        var uids = first.Messages.Select(m => m.Uid).ToArray();
        await first.StoreFlagsAsync(UidSet.FromUids([uids[1]]), new FlagChange(FlagChangeMode.Add, SystemFlags.Deleted, []), null, default);
        await using var third = (await account.OpenAsync("INBOX", true, default))!;
        Assert.NotSame(second.Messages, third.Messages);
        Assert.Equal(SystemFlags.None, second.Messages[1].Flags);
        Assert.Equal(SystemFlags.Deleted, third.Messages[1].Flags);
        Assert.Equal(1, third.Status.Deleted);
        Assert.Equal(first.Status.Size, third.Status.Size);

        // An expunge: the next view has one message fewer, the open ones still all four.
        await first.ExpungeAsync(null, default);
        await using var fourth = (await account.OpenAsync("INBOX", true, default))!;
        Assert.Equal([uids[0], uids[2], uids[3]], fourth.Messages.Select(m => m.Uid));
        Assert.Equal(uids, third.Messages.Select(m => m.Uid));
        Assert.Equal(3, fourth.Status.Messages);
        Assert.Equal(fourth.Messages.Sum(m => m.Size), fourth.Status.Size);

        // Nothing changed since: the same snapshot again.
        await using var fifth = (await account.OpenAsync("INBOX", true, default))!;
        Assert.Same(fourth.Messages, fifth.Messages);
    }
}
