using MailKitServer.Imap;

namespace MailKitServer.Smtp.Tests.Milter;

/// <summary>Passes each call on to a real trainer and keeps what it threw (the IMAP engine only logs a trainer's failure).</summary>
internal sealed class WatchedJunkTrainer(IJunkTrainer inner) : IJunkTrainer
{
    private readonly List<Exception> _failures = [];

    public IReadOnlyList<Exception> Failures
    {
        get
        {
            lock (_failures)
            {
                return [.. _failures];
            }
        }
    }

    public ValueTask LearnSpamAsync(string userId, Stream message, CancellationToken cancellationToken) => WatchAsync(inner.LearnSpamAsync(userId, message, cancellationToken));

    public ValueTask LearnHamAsync(string userId, Stream message, CancellationToken cancellationToken) => WatchAsync(inner.LearnHamAsync(userId, message, cancellationToken));

    private async ValueTask WatchAsync(ValueTask call)
    {
        try
        {
            await call;
        }
        catch (Exception ex)
        {
            lock (_failures)
            {
                _failures.Add(ex);
            }

            throw;
        }
    }
}
