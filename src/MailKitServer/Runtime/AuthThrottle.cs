using System.Net;

namespace MailKitServer.Runtime;

/// <summary>
/// Slows down addresses that keep failing to authenticate: after a few free failures each further one is answered
/// after a doubling delay. A success clears the address; entries expire after a quiet quarter of an hour.
/// </summary>
internal sealed class AuthThrottle
{
    private static readonly TimeSpan Expiry = TimeSpan.FromMinutes(15);
    private readonly Dictionary<IPAddress, (int Failures, DateTimeOffset Last)> _failures = [];
    private readonly MailServerOptions _options;
    private readonly TimeProvider _time;

    /// <summary>Creates a throttle.</summary>
    /// <param name="options">The options with the thresholds.</param>
    /// <param name="timeProvider">The clock.</param>
    public AuthThrottle(MailServerOptions options, TimeProvider timeProvider)
    {
        _options = options;
        _time = timeProvider;
    }

    /// <summary>Records a failure and returns how long to wait before answering it.</summary>
    /// <param name="address">The client address.</param>
    /// <returns>The delay (zero for the first free failures).</returns>
    public TimeSpan RecordFailure(IPAddress address)
    {
        var now = _time.GetUtcNow();
        lock (_failures)
        {
            if (_failures.Count > 10_000)
            {
                foreach (var stale in _failures.Where(f => now - f.Value.Last > Expiry).Select(f => f.Key).ToList())
                {
                    _failures.Remove(stale);
                }
            }

            var n = _failures.TryGetValue(address, out var e) && now - e.Last <= Expiry ? e.Failures + 1 : 1;
            _failures[address] = (n, now);
            var over = n - _options.AuthFailuresBeforeDelay;
            if (over <= 0)
            {
                return TimeSpan.Zero;
            }

            var delay = _options.AuthFailureDelay * Math.Pow(2, Math.Min(over - 1, 16));
            return delay > _options.MaxAuthFailureDelay ? _options.MaxAuthFailureDelay : delay;
        }
    }

    /// <summary>Records a failure and waits the delay it earns before the failure is answered.</summary>
    /// <param name="address">The client address.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the answer may be sent.</returns>
    public async Task DelayFailureAsync(IPAddress address, CancellationToken cancellationToken)
    {
        var delay = RecordFailure(address);
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Clears an address after a successful authentication.</summary>
    /// <param name="address">The client address.</param>
    public void RecordSuccess(IPAddress address)
    {
        lock (_failures)
        {
            _failures.Remove(address);
        }
    }
}
