using MailKitServer.Runtime;
using System.Text;
using BenchmarkDotNet.Attributes;
using MailKitServer.Smtp.Data;

namespace MailKitServer.Benchmarks;

/// <summary>The DATA dot-stream decoder over messages of 10 KB and 1 MB, into a sink that keeps nothing and into the spool.</summary>
[MemoryDiagnoser]
public class DataReaderBenchmarks
{
    private readonly DotUnstuffer _unstuffer = new();
    private readonly CountingSink _sink = new();
    private byte[] _message = [];
    private MessageSpool _spool = null!;

    [Params(10 * 1024, 1024 * 1024)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var sb = new StringBuilder("Subject: benchmark\r\n\r\n");
        var i = 0;
        while (sb.Length < Size)
        {
            sb.Append(i++ % 20 == 0 ? "..a stuffed line of text that starts with a dot\r\n" : "A typical line of body text, about seventy octets long, ends here.\r\n");
        }

        sb.Append(".\r\n");
        _message = Encoding.ASCII.GetBytes(sb.ToString());
        _spool = new MessageSpool(long.MaxValue, 64L * 1024 * 1024);
    }

    [Benchmark]
    public long DecodeToCounter()
    {
        _sink.Count = 0;
        Feed(_sink);
        return _sink.Count;
    }

    [Benchmark]
    public long DecodeToSpool()
    {
        _spool.Reset();
        Feed(_spool);
        return _spool.Length;
    }

    [GlobalCleanup]
    public void Cleanup() => _spool.Dispose();

    /// <summary>Feeds the message in 16 KB reads, as the pipe delivers them.</summary>
    private void Feed(IDataSink sink)
    {
        _unstuffer.Reset();
        for (var offset = 0; offset < _message.Length; offset += 16384)
        {
            if (_unstuffer.Decode(_message.AsSpan(offset, Math.Min(16384, _message.Length - offset)), sink, out _))
            {
                return;
            }
        }
    }

    private sealed class CountingSink : IDataSink
    {
        public long Count { get; set; }

        public void Write(ReadOnlySpan<byte> data) => Count += data.Length;
    }
}
