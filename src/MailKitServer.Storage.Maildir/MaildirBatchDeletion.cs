using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace MailKitServer.Storage.Maildir;

/// <summary>
/// Deletes a batch of files (an EXPUNGE, a MOVE's source side) from several threads at once when the batch is large
/// and its first deletions were slow.
/// </summary>
/// <remarks>
/// On a file system mounted with online discard (ext4 <c>-o discard</c>, as on this project's build machine and many
/// cloud images) the unlink of a file's last link sends the discard of its blocks to the disk and waits for it inside
/// the system call. An EXPUNGE of 10,000 of 20,000 messages spent its wall time there, one file after the other: the
/// unlinking thread switched out 10,006 times in <c>blkdev_issue_discard</c> from <c>do_unlinkat</c> (perf sched_switch),
/// and Dovecot's EXPUNGE waits the same way (issue 24). The truncation that discards runs after the kernel has released
/// the directory's lock, so unlinks from several threads wait for their discards together: 10,000 unlinks of a fresh
/// copy took 2.5-13.4 s from one thread and 1.4-1.6 s from eight on that machine. On a disk without discard an unlink
/// waits for nothing and threads would only queue on the directory's lock (tmpfs, 10,000 unlinks: 0.05 s of system time
/// from one thread, 0.08 s from eight, no faster): so the calling thread deletes the first files alone and timed, and
/// the threads start only when those took longer than <see cref="SlowDeletion"/> each on average.
/// Dedicated threads, not the thread pool: each spends its time blocked in the kernel, and pool threads blocked there
/// hold up every session's work until the pool grows.
/// </remarks>
internal static class MaildirBatchDeletion
{
    /// <summary>Files per thread: a batch smaller than twice this is deleted by the calling thread alone.</summary>
    internal const int FilesPerThread = 64;

    /// <summary>The most threads one batch uses, the calling thread included.</summary>
    internal const int MaxThreads = 8;

    /// <summary>
    /// The average time per deletion of the first <see cref="FilesPerThread"/> above which the rest of a batch is spread
    /// over threads: an unlink that waits for nothing takes a few microseconds; one that waits for a discard took a
    /// median of 245 us on the build machine (strace -T, 10,000 unlinks).
    /// </summary>
    internal static readonly TimeSpan SlowDeletion = TimeSpan.FromMicroseconds(50);

    /// <summary>How many threads a batch of <paramref name="count"/> files may be deleted with, the calling thread included.</summary>
    internal static int ThreadsFor(int count) => Math.Clamp(count / FilesPerThread, 1, MaxThreads);

    /// <summary>
    /// Runs <paramref name="delete"/> once for every index below <paramref name="count"/> and returns when all have run:
    /// the first <see cref="FilesPerThread"/> on the calling thread, in order, and the rest on up to
    /// <see cref="ThreadsFor"/> threads when those were slower than <paramref name="slow"/> each on average (else on the
    /// calling thread, in order). The order of the calls on several threads is not defined.
    /// </summary>
    /// <param name="count">How many files.</param>
    /// <param name="delete">Deletes the file at an index; returns whether it was deleted. Called from several threads at once.</param>
    /// <param name="slow">The average time per deletion that spreads the rest over threads; <see cref="SlowDeletion"/> when null.</param>
    /// <returns>Whether each file was deleted, by index.</returns>
    /// <exception cref="Exception">The first exception a call threw, rethrown once every thread has stopped.</exception>
    public static bool[] Run(int count, Func<int, bool> delete, TimeSpan? slow = null)
    {
        var deleted = new bool[count];
        var threads = ThreadsFor(count);
        var first = threads == 1 ? count : FilesPerThread;
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < first; i++)
        {
            deleted[i] = delete(i);
        }

        if (first == count || Stopwatch.GetElapsedTime(started) < (slow ?? SlowDeletion) * first)
        {
            for (var i = first; i < count; i++)
            {
                deleted[i] = delete(i);
            }

            return deleted;
        }

        var next = first - 1;
        ExceptionDispatchInfo? failure = null;
        void Work()
        {
            try
            {
                for (var i = Interlocked.Increment(ref next); i < count && Volatile.Read(ref failure) is null; i = Interlocked.Increment(ref next))
                {
                    deleted[i] = delete(i);
                }
            }
            catch (Exception ex)
            {
                // Not thrown on the helper thread (that would end the process): the caller rethrows it.
                Interlocked.CompareExchange(ref failure, ExceptionDispatchInfo.Capture(ex), null);
            }
        }

        var helpers = new Thread[threads - 1];
        for (var t = 0; t < helpers.Length; t++)
        {
            helpers[t] = new Thread(Work, maxStackSize: 256 * 1024) { IsBackground = true, Name = "Maildir deletion" };
            helpers[t].Start();
        }

        Work();
        foreach (var helper in helpers)
        {
            helper.Join();
        }

        failure?.Throw();
        return deleted;
    }
}
