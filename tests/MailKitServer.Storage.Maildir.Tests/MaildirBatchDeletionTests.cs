using System.Collections.Concurrent;

namespace MailKitServer.Storage.Maildir.Tests;

/// <summary>
/// The deletions of a large batch whose first deletions were slow run on several threads at once (an unlink on a disk
/// with online discard waits for the disk inside the call: issue 24's EXPUNGE of 10,000 files), each file exactly once;
/// a small batch, or one whose first deletions were fast, stays on the calling thread; a failure reaches the caller once
/// every thread has stopped.
/// </summary>
public sealed class MaildirBatchDeletionTests
{
    [Fact]
    public void A_large_batch_whose_first_deletions_were_slow_calls_every_index_once_from_threads_running_at_the_same_time()
    {
        const int count = 1000;
        var calls = new int[count];
        var threads = new ConcurrentDictionary<int, bool>();
        var caller = Environment.CurrentManagedThreadId;
        var firstOnes = new List<int>();
        using var second = new ManualResetEventSlim();

        var deleted = MaildirBatchDeletion.Run(
            count,
            i =>
            {
                Interlocked.Increment(ref calls[i]);
                if (i < MaildirBatchDeletion.FilesPerThread)
                {
                    // The first ones: on the calling thread, in order, timed.
                    Assert.Equal(caller, Environment.CurrentManagedThreadId);
                    firstOnes.Add(i);
                    return i % 7 != 0;
                }

                threads[Environment.CurrentManagedThreadId] = true;
                if (threads.Count > 1)
                {
                    second.Set();
                }

                // Every later call waits until a second thread has made one: only threads that run together get past.
                Assert.True(second.Wait(TimeSpan.FromSeconds(30)), "no second thread took part");
                return i % 7 != 0;
            },
            slow: TimeSpan.Zero);

        Assert.All(calls, c => Assert.Equal(1, c));
        Assert.Equal(Enumerable.Range(0, MaildirBatchDeletion.FilesPerThread), firstOnes);
        Assert.Equal(Enumerable.Range(0, count).Select(i => i % 7 != 0), deleted);
        Assert.InRange(threads.Count, 2, MaildirBatchDeletion.MaxThreads);
    }

    [Fact]
    public void A_large_batch_whose_first_deletions_were_fast_stays_on_the_calling_thread_in_order()
    {
        var order = new List<int>();
        var caller = Environment.CurrentManagedThreadId;

        MaildirBatchDeletion.Run(
            1000,
            i =>
            {
                Assert.Equal(caller, Environment.CurrentManagedThreadId);
                order.Add(i);
                return true;
            },
            slow: TimeSpan.FromDays(1));

        Assert.Equal(Enumerable.Range(0, 1000), order);
    }

    [Fact]
    public void A_small_batch_is_deleted_by_the_calling_thread_in_order()
    {
        var count = (2 * MaildirBatchDeletion.FilesPerThread) - 1;
        var order = new List<int>();
        var caller = Environment.CurrentManagedThreadId;

        var deleted = MaildirBatchDeletion.Run(count, i =>
        {
            Assert.Equal(caller, Environment.CurrentManagedThreadId);
            order.Add(i);
            return true;
        });

        Assert.Equal(Enumerable.Range(0, count), order);
        Assert.All(deleted, Assert.True);
        Assert.Equal(1, MaildirBatchDeletion.ThreadsFor(count));
        Assert.Equal(MaildirBatchDeletion.MaxThreads, MaildirBatchDeletion.ThreadsFor(10_000));
    }

    [Fact]
    public void A_failing_call_is_thrown_to_the_caller_after_every_thread_has_stopped()
    {
        var running = 0;
        var ex = Assert.Throws<IOException>(() => MaildirBatchDeletion.Run(
            5000,
            i =>
            {
                Interlocked.Increment(ref running);
                try
                {
                    return i == 300 ? throw new IOException("disk said no") : true;
                }
                finally
                {
                    Interlocked.Decrement(ref running);
                }
            },
            slow: TimeSpan.Zero));

        Assert.Equal("disk said no", ex.Message);
        Assert.Equal(0, Volatile.Read(ref running));
    }
}
