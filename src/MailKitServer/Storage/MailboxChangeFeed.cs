using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace MailKitServer.Storage;

/// <summary>
/// A mailbox view's change feed (<see cref="IMailboxView.Changes"/>): unbounded, one reader (the session that has the
/// mailbox selected), any number of writers (the store's fan-out). It is a channel of its own rather than
/// <see cref="Channel.CreateUnbounded{T}(UnboundedChannelOptions)"/> because every selected mailbox has one for as long
/// as it stays selected, and most feeds stay empty: the framework's single-reader channel allocates its first 32-slot
/// queue segment, a reusable read operation and a wait operation up front (about 1 KB), which were a tenth of what a
/// connection in IMAP IDLE cost. This one holds a queue only while changes wait to be read and a waiter only while the
/// reader waits. Readers are woken asynchronously: a writer never runs a session's code under the store's locks.
/// </summary>
internal sealed class MailboxChangeFeed : Channel<MailboxChange>
{
    private readonly object _sync = new();
    private Queue<MailboxChange>? _items;
    private TaskCompletionSource<bool>? _waiter;
    private CancellationTokenRegistration _waiterRegistration;
    private TaskCompletionSource? _completion;
    private bool _writerDone;
    private Exception? _error;

    /// <summary>Creates an empty, open feed.</summary>
    public MailboxChangeFeed()
    {
        Reader = new FeedReader(this);
        Writer = new FeedWriter(this);
    }

    private bool Drained => _writerDone && _items is null;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // once per message of a STORE over a mailbox, per open view (issue 24)
    private bool TryWrite(MailboxChange item)
    {
        TaskCompletionSource<bool>? waiter;
        CancellationTokenRegistration registration;
        lock (_sync)
        {
            if (_writerDone)
            {
                return false;
            }

            (_items ??= new Queue<MailboxChange>()).Enqueue(item);
            (waiter, registration) = TakeWaiter();
        }

        registration.Unregister();
        waiter?.TrySetResult(true);
        return true;
    }

    private bool TryComplete(Exception? error)
    {
        TaskCompletionSource<bool>? waiter;
        CancellationTokenRegistration registration;
        bool drained;
        lock (_sync)
        {
            if (_writerDone)
            {
                return false;
            }

            _writerDone = true;
            _error = error;
            (waiter, registration) = TakeWaiter();
            drained = Drained;
        }

        registration.Unregister();
        if (waiter is not null)
        {
            // A waiting reader found the feed empty: nothing more will come.
            _ = error is null ? waiter.TrySetResult(false) : waiter.TrySetException(error);
        }

        if (drained)
        {
            CompleteCompletion();
        }

        return true;
    }

    private bool TryRead(out MailboxChange item)
    {
        bool drained;
        lock (_sync)
        {
            if (_items is null)
            {
                item = default!;
                return false;
            }

            item = _items.Dequeue();
            if (_items.Count == 0)
            {
                // An idle feed holds no queue.
                _items = null;
            }

            drained = Drained;
        }

        if (drained)
        {
            CompleteCompletion();
        }

        return true;
    }

    private ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<bool>(cancellationToken);
        }

        TaskCompletionSource<bool> waiter;
        TaskCompletionSource<bool>? replaced;
        CancellationTokenRegistration replacedRegistration;
        lock (_sync)
        {
            if (_items is not null)
            {
                return new ValueTask<bool>(true);
            }

            if (_writerDone)
            {
                return _error is null ? new ValueTask<bool>(false) : ValueTask.FromException<bool>(_error);
            }

            // One reader: a new wait supersedes one its reader gave up on (an IDLE that ended with DONE).
            (replaced, replacedRegistration) = TakeWaiter();
            waiter = _waiter = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        replacedRegistration.Unregister();
        replaced?.TrySetCanceled(CancellationToken.None);
        if (cancellationToken.CanBeCanceled)
        {
            var registration = cancellationToken.UnsafeRegister(static (state, token) => ((TaskCompletionSource<bool>)state!).TrySetCanceled(token), waiter);
            lock (_sync)
            {
                if (ReferenceEquals(_waiter, waiter))
                {
                    _waiterRegistration = registration;
                    registration = default;
                }
            }

            // Woken (or superseded) before the registration was kept: drop it now.
            registration.Unregister();
        }

        return new ValueTask<bool>(waiter.Task);
    }

    private Task Completion
    {
        get
        {
            lock (_sync)
            {
                if (!Drained)
                {
                    return (_completion ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
                }
            }

            return _error is null ? Task.CompletedTask : Task.FromException(_error);
        }
    }

    private (TaskCompletionSource<bool>? Waiter, CancellationTokenRegistration Registration) TakeWaiter()
    {
        var taken = (_waiter, _waiterRegistration);
        _waiter = null;
        _waiterRegistration = default;
        return taken;
    }

    private void CompleteCompletion()
    {
        TaskCompletionSource? completion;
        lock (_sync)
        {
            completion = _completion;
        }

        if (completion is not null)
        {
            _ = _error is null ? completion.TrySetResult() : completion.TrySetException(_error);
        }
    }

    /// <summary>The reading side.</summary>
    private sealed class FeedReader(MailboxChangeFeed feed) : ChannelReader<MailboxChange>
    {
        public override Task Completion => feed.Completion;

        public override bool TryRead(out MailboxChange item) => feed.TryRead(out item);

        public override ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken = default) => feed.WaitToReadAsync(cancellationToken);
    }

    /// <summary>The writing side.</summary>
    private sealed class FeedWriter(MailboxChangeFeed feed) : ChannelWriter<MailboxChange>
    {
        public override bool TryComplete(Exception? error = null) => feed.TryComplete(error);

        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // once per message of a STORE over a mailbox, per open view (issue 24)
        public override bool TryWrite(MailboxChange item) => feed.TryWrite(item);

        public override ValueTask<bool> WaitToWriteAsync(CancellationToken cancellationToken = default)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                return ValueTask.FromCanceled<bool>(cancellationToken);
            }

            lock (feed._sync)
            {
                return new ValueTask<bool>(!feed._writerDone);
            }
        }
    }
}
