using System.Threading.Channels;
using MailKitServer.Smtp.Outbound;

namespace MailKitServer.TestSupport;

/// <summary>
/// Records what the outbound queue reports ("queued", "deferred", "delivered", "failed", "deleted") so a test awaits
/// the end of an attempt instead of polling the queue's list. Attach it before the action whose outcome it awaits.
/// </summary>
internal sealed class QueueEvents : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly OutboundQueue _queue;
    private readonly Channel<string> _events = Channel.CreateUnbounded<string>();

    public QueueEvents(OutboundQueue queue)
    {
        _queue = queue;
        _queue.Changed += OnChanged;
    }

    /// <summary>Waits for the next event of <paramref name="kind"/> (20 s at most), skipping others; fails the test without it.</summary>
    public async Task NextAsync(string kind)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (await _events.Reader.ReadAsync(timeout.Token) != kind)
        {
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds, checking it again after every event (20 s at most).</summary>
    public async Task UntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (!condition())
        {
            await _events.Reader.ReadAsync(timeout.Token);
        }
    }

    public void Dispose() => _queue.Changed -= OnChanged;

    private void OnChanged(string id, string kind) => _events.Writer.TryWrite(kind);
}
