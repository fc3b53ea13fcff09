using MailKitServer.Storage;

namespace MailKitServer.Tests.Storage;

public class MailboxChangeFeedTests
{
    private static MailboxChange Expunged(uint uid, long origin = 0) => new(MailboxChangeKind.Expunged, null, uid, uid, origin);

    [Fact]
    public async Task Changes_are_read_in_the_order_written_and_an_empty_feed_has_nothing()
    {
        var feed = new MailboxChangeFeed();
        Assert.False(feed.Reader.TryRead(out _));
        Assert.True(feed.Writer.TryWrite(Expunged(1)));
        Assert.True(feed.Writer.TryWrite(Expunged(2)));
        Assert.True(await feed.Reader.WaitToReadAsync());
        Assert.True(feed.Reader.TryRead(out var first));
        Assert.True(feed.Reader.TryRead(out var second));
        Assert.Equal([1u, 2u], new[] { first.Uid, second.Uid });
        Assert.False(feed.Reader.TryRead(out _));
    }

    [Fact]
    public async Task A_waiting_reader_is_woken_by_a_write_but_never_runs_on_the_writers_thread()
    {
        var feed = new MailboxChangeFeed();
        var wait = feed.Reader.WaitToReadAsync().AsTask();
        Assert.False(wait.IsCompleted);

        // The reader's continuation blocks until the writer has returned: a writer that ran it inline (under a store's
        // lock, in production) would never return.
        using var writerReturned = new ManualResetEventSlim();
        var continuation = wait.ContinueWith(t => writerReturned.Wait(TimeSpan.FromSeconds(30)) && t.Result, TaskContinuationOptions.ExecuteSynchronously);
        Assert.True(feed.Writer.TryWrite(Expunged(7)));
        writerReturned.Set();
        Assert.True(await continuation.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.True(feed.Reader.TryRead(out var change));
        Assert.Equal(7u, change.Uid);
    }

    [Fact]
    public async Task Completion_comes_once_the_writer_is_done_and_everything_was_read()
    {
        var feed = new MailboxChangeFeed();
        var waiting = feed.Reader.WaitToReadAsync().AsTask();
        Assert.True(feed.Writer.TryWrite(Expunged(1)));
        Assert.True(await waiting.WaitAsync(TimeSpan.FromSeconds(30)));
        var completion = feed.Reader.Completion;
        Assert.True(feed.Writer.TryComplete());
        Assert.False(feed.Writer.TryComplete());
        Assert.False(feed.Writer.TryWrite(Expunged(2)));
        Assert.False(await feed.Writer.WaitToWriteAsync());
        Assert.False(completion.IsCompleted);

        Assert.True(await feed.Reader.WaitToReadAsync());
        Assert.True(feed.Reader.TryRead(out _));
        await completion.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(await feed.Reader.WaitToReadAsync());
        Assert.True(feed.Reader.Completion.IsCompleted);
    }

    [Fact]
    public async Task A_reader_waiting_on_an_empty_feed_learns_that_it_ended()
    {
        var feed = new MailboxChangeFeed();
        var waiting = feed.Reader.WaitToReadAsync().AsTask();
        feed.Writer.TryComplete();
        Assert.False(await waiting.WaitAsync(TimeSpan.FromSeconds(30)));
        await feed.Reader.Completion.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task A_new_wait_supersedes_one_the_reader_gave_up_on_and_a_cancelled_wait_ends()
    {
        var feed = new MailboxChangeFeed();
        var abandoned = feed.Reader.WaitToReadAsync().AsTask();
        var current = feed.Reader.WaitToReadAsync().AsTask();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.False(current.IsCompleted);

        using var cancel = new CancellationTokenSource();
        var cancellable = feed.Reader.WaitToReadAsync(cancel.Token).AsTask();
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancellable.WaitAsync(TimeSpan.FromSeconds(30)));

        // The feed still works after both.
        feed.Writer.TryWrite(Expunged(3));
        Assert.True(await feed.Reader.WaitToReadAsync());
        Assert.True(feed.Reader.TryRead(out var change));
        Assert.Equal(3u, change.Uid);
    }

    [Fact]
    public async Task ReadAllAsync_ends_with_the_feed()
    {
        var feed = new MailboxChangeFeed();
        var read = Task.Run(async () =>
        {
            var uids = new List<uint>();
            await foreach (var change in feed.Reader.ReadAllAsync())
            {
                uids.Add(change.Uid);
            }

            return uids;
        });
        for (uint uid = 1; uid <= 50; uid++)
        {
            feed.Writer.TryWrite(Expunged(uid));
        }

        feed.Writer.TryComplete();
        Assert.Equal(Enumerable.Range(1, 50).Select(i => (uint)i), await read.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Many_writers_and_one_reader_lose_nothing_and_keep_each_writers_order(int seed)
    {
        var random = new Random(seed);
        var feed = new MailboxChangeFeed();
        var writers = random.Next(2, 6);
        var perWriter = random.Next(200, 2000);
        var received = new List<MailboxChange>();
        var reader = Task.Run(async () =>
        {
            while (await feed.Reader.WaitToReadAsync())
            {
                while (feed.Reader.TryRead(out var change))
                {
                    received.Add(change);
                }
            }
        });
        var writing = Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            var pause = new Random(seed * 31 + w);
            for (uint i = 1; i <= perWriter; i++)
            {
                Assert.True(feed.Writer.TryWrite(Expunged(i, w)));
                if (pause.Next(50) == 0)
                {
                    await Task.Yield();
                }
            }
        })).ToArray();
        await Task.WhenAll(writing).WaitAsync(TimeSpan.FromSeconds(60));
        feed.Writer.TryComplete();
        await reader.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(writers * perWriter, received.Count);
        foreach (var byWriter in received.GroupBy(c => c.Origin))
        {
            Assert.Equal(Enumerable.Range(1, perWriter).Select(i => (uint)i), byWriter.Select(c => c.Uid));
        }
    }
}
