namespace MailKitServer.TestSupport;

/// <summary>A clock that moves only when the test says so; timers fire on <see cref="Advance"/>.</summary>
public sealed class ManualTimeProvider : TimeProvider
{
    private readonly List<ManualTimer> _timers = [];
    private readonly List<(Func<TimeSpan, bool> Due, int Count, long Since, TaskCompletionSource Done)> _waiters = [];
    private DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private long _changes;

    public override DateTimeOffset GetUtcNow()
    {
        lock (_timers)
        {
            return _now;
        }
    }

    public override long GetTimestamp() => GetUtcNow().UtcTicks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <summary>How many timers are armed.</summary>
    public int ArmedTimers
    {
        get
        {
            lock (_timers)
            {
                return _timers.Count(t => t.Due is not null);
            }
        }
    }

    /// <summary>
    /// Completes once at least <paramref name="count"/> timers are armed whose time left matches <paramref name="due"/>
    /// (say, the throttle's short delays rather than the sessions' idle timers): the event a test waits for before it
    /// moves the clock, so the server has reached the wait it is about. Fails after 30 s (of real time) without it.
    /// With <paramref name="fresh"/>, only timers armed after this call count: the server has reacted to what the
    /// test sent since (a read timer armed again once the octets arrived).
    /// </summary>
    public Task WaitForArmedAsync(Func<TimeSpan, bool> due, int count = 1, bool fresh = false)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_timers)
        {
            _waiters.Add((due, count, fresh ? _changes + 1 : 0, done));
            CheckWaiters();
        }

        return done.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    private void CheckWaiters()
    {
        for (var i = _waiters.Count - 1; i >= 0; i--)
        {
            var (due, count, since, done) = _waiters[i];
            if (_timers.Count(t => t.Due is { } d && t.ArmedAt >= since && due(d - _now)) >= count)
            {
                _waiters.RemoveAt(i);
                done.TrySetResult();
            }
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        lock (_timers)
        {
            _timers.Add(timer);
        }

        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Moves the clock and fires what falls due.</summary>
    public void Advance(TimeSpan by)
    {
        List<ManualTimer> due;
        lock (_timers)
        {
            _now += by;
            due = _timers.Where(t => t.Due is { } d && d <= _now).ToList();
            foreach (var t in due)
            {
                t.Due = t.Period is { } p && p > TimeSpan.Zero ? _now + p : null;
            }
        }

        foreach (var t in due)
        {
            t.Fire();
        }
    }

    private void Remove(ManualTimer timer)
    {
        lock (_timers)
        {
            _timers.Remove(timer);
        }
    }

    private sealed class ManualTimer(ManualTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        public DateTimeOffset? Due { get; set; }

        /// <summary>When it was last armed or disarmed, counted in calls to <see cref="Change"/> of all timers.</summary>
        public long ArmedAt { get; private set; }

        public TimeSpan? Period { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (owner._timers)
            {
                Due = dueTime == Timeout.InfiniteTimeSpan ? null : owner._now + dueTime;
                ArmedAt = ++owner._changes;
                Period = period == Timeout.InfiniteTimeSpan ? null : period;
                owner.CheckWaiters();
            }

            return true;
        }

        public void Fire() => callback(state);

        public void Dispose() => owner.Remove(this);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
