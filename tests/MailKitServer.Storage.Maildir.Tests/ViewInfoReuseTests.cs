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
}
