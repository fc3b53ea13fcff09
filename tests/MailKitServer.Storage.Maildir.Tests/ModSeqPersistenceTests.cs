using System.Text;

namespace MailKitServer.Storage.Maildir.Tests;

/// <summary>
/// RFC 7162 §3.1: MODSEQ and HIGHESTMODSEQ never go back, across a restart too, even when the index (saved in the
/// background) is older than the last changes or lost. The Maildir store reserves MODSEQs in durable blocks.
/// </summary>
public sealed class ModSeqPersistenceTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("mks-modseq-").FullName;
    private readonly string _copy = Directory.CreateTempSubdirectory("mks-modseq-copy-").FullName;

    public void Dispose()
    {
        MailKitServer.TestSupport.TempDirectories.Delete(_root);
        MailKitServer.TestSupport.TempDirectories.Delete(_copy);
    }

    [Fact]
    public async Task Modseq_keeps_growing_after_a_restart_that_lost_the_index()
    {
        await using var store = new MaildirMessageStore(new MaildirStoreOptions { Root = _root });
        ulong seen;
        uint expunged;
        await using (var account = await store.OpenAccountAsync("alice@example.test", default))
        {
            for (var i = 0; i < 3; i++)
            {
                await account.AppendAsync("INBOX", new MemoryStream(Encoding.ASCII.GetBytes($"Subject: {i}\r\n\r\nx\r\n")), SystemFlags.None, [], null, default);
            }

            await using var view = await account.OpenAsync("INBOX", false, default);
            for (var i = 0; i < 5; i++)
            {
                await view!.StoreFlagsAsync(UidSet.FromUids([1]), new FlagChange(i % 2 == 0 ? FlagChangeMode.Add : FlagChangeMode.Remove, SystemFlags.Flagged, []), null, default);
            }

            await view!.StoreFlagsAsync(UidSet.FromUids([2]), new FlagChange(FlagChangeMode.Add, SystemFlags.Deleted, []), null, default);
            expunged = Assert.Single((await view.ExpungeAsync(null, default)).Expunged);
            seen = (await account.GetStatusAsync("INBOX", default))!.HighestModSeq;
        }

        // The state on disk at this moment, without the index: as after a crash before the background save.
        CopyWithoutIndex(_root, _copy);
        await using var restarted = new MaildirMessageStore(new MaildirStoreOptions { Root = _copy });
        await using var again = await restarted.OpenAccountAsync("alice@example.test", default);
        Assert.True((await again.GetStatusAsync("INBOX", default))!.HighestModSeq >= seen);
        await using var reopened = (IModSeqMailboxView)(await again.OpenAsync("INBOX", false, default))!;
        Assert.All(reopened.Messages, m => Assert.True(m.ModSeq > 0));
        var changed = await reopened.StoreFlagsAsync(UidSet.FromUids([3]), new FlagChange(FlagChangeMode.Add, SystemFlags.Seen, []), null, default);
        Assert.True(Assert.Single(changed.Changed).ModSeq > seen, "a MODSEQ handed out after the restart is above every one seen before");

        // The expunge history went with the index: the store says so rather than claiming nothing was expunged.
        var since = await reopened.ExpungedSinceAsync(seen - 1, default);
        Assert.True(since is null || since.Contains(expunged));
    }

    private static void CopyWithoutIndex(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            if (Path.GetFileName(file) is "mailkitserver.index" or "mailkitserver.lock" || file.EndsWith(".tmp", StringComparison.Ordinal))
            {
                continue;
            }

            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        foreach (var directory in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, directory)));
        }
    }
}
