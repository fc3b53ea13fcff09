using BenchmarkDotNet.Attributes;
using MailKitServer.Storage;
using MailKitServer.Storage.InMemory;

namespace MailKitServer.Benchmarks;

/// <summary>The in-memory store: delivering a 10 KB message, and reading one back through a mailbox view.</summary>
[MemoryDiagnoser]
public class StoreBenchmarks
{
    private readonly byte[] _message = new byte[10 * 1024];
    private readonly byte[] _buffer = new byte[64 * 1024];
    private InMemoryMessageStore _store = null!;
    private IMailboxView _view = null!;
    private DeliveryRequest _request = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        "Subject: bench\r\n\r\n"u8.CopyTo(_message);
        _message.AsSpan(18).Fill((byte)'x');
        _store = new InMemoryMessageStore();
        _request = new DeliveryRequest("sender@example.test", [new MailboxTarget("bench@example.test")], DateTimeOffset.UtcNow);
        await _store.DeliverAsync(_request, new MemoryStream(_message), default);
        var account = await _store.OpenAccountAsync("bench@example.test", default);
        _view = (await account.OpenAsync("INBOX", readOnly: true, default))!;
    }

    [IterationSetup(Target = nameof(Deliver10K))]
    public void Reset() => _store.Clear();

    [Benchmark]
    public async Task<bool> Deliver10K() => (await _store.DeliverAsync(_request, new MemoryStream(_message), default)).AllDelivered;

    [Benchmark]
    public async Task<int> Fetch10K()
    {
        await using var stream = await _view.OpenContentAsync(_view.Messages[0].Uid, 0, null, default);
        var total = 0;
        int n;
        while ((n = await stream!.ReadAsync(_buffer)) > 0)
        {
            total += n;
        }

        return total;
    }
}
