using MailKitServer.Storage.Maildir;
using Xunit;

namespace MailKitServer.Storage.Maildir.Tests;

public sealed class DirectorySyncBatcherTests
{
    [Fact]
    public async Task Callers_that_arrive_during_an_fsync_share_the_next_one_and_none_completes_early()
    {
        var started = 0;
        var firstStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var releaseFirst = new ManualResetEventSlim();
        var batcher = new DirectorySyncBatcher(() =>
        {
            if (Interlocked.Increment(ref started) == 1)
            {
                firstStarted.SetResult();
                releaseFirst.Wait(TimeSpan.FromSeconds(30));
            }
        });

        var a = batcher.SyncAsync();
        await firstStarted.Task;

        // Renames made now are not covered by the fsync already running: these must wait for another one.
        var later = Enumerable.Range(0, 10).Select(_ => batcher.SyncAsync()).ToArray();
        Assert.False(a.IsCompleted);
        Assert.All(later, t => Assert.False(t.IsCompleted));

        releaseFirst.Set();
        await a;
        await Task.WhenAll(later);
        Assert.Equal(2, Volatile.Read(ref started));
    }

    [Fact]
    public async Task A_failed_fsync_faults_its_callers_and_the_next_call_tries_again()
    {
        var calls = 0;
        var batcher = new DirectorySyncBatcher(() =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                throw new IOException("disk gone");
            }
        });

        await Assert.ThrowsAsync<IOException>(() => batcher.SyncAsync());
        await batcher.SyncAsync();
        Assert.Equal(2, calls);
    }
}
