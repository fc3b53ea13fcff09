namespace MailKitServer.Smtp.Screening.RateLimits;

/// <summary>
/// Counts against <see cref="RateLimit"/>s per subject (a client address or a user) with the generic cell rate
/// algorithm: one time per subject, the theoretical arrival time of its next event, on the server's clock.
/// </summary>
internal sealed class RateLimiter(TimeProvider time, int maxTracked)
{
    private readonly Dictionary<string, DateTimeOffset> _due = new(StringComparer.Ordinal);

    /// <summary>Takes one event of <paramref name="subject"/> if the limit allows: <see langword="null"/> when taken, else how long until it would be.</summary>
    public TimeSpan? TryTake(string subject, RateLimit limit)
    {
        var now = time.GetUtcNow();
        var interval = limit.Period / limit.Count;
        lock (_due)
        {
            var due = _due.TryGetValue(subject, out var d) && d > now ? d : now;
            var next = due + interval;
            if (next - now > limit.Period)
            {
                return next - now - limit.Period;
            }

            if (_due.Count >= maxTracked && !_due.ContainsKey(subject))
            {
                Prune(now);
            }

            _due[subject] = next;
            return null;
        }
    }

    /// <summary>Forgets the subjects that are back to a full burst; if that is not enough, all.</summary>
    private void Prune(DateTimeOffset now)
    {
        foreach (var (subject, due) in _due)
        {
            if (due <= now)
            {
                _due.Remove(subject);
            }
        }

        if (_due.Count >= maxTracked)
        {
            _due.Clear();
        }
    }
}
