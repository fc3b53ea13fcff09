using System.Net.Sockets;
using System.Text;

namespace MailKitServer.Hostile.Tests.Fuzz;

/// <summary>
/// One fuzzed session: the mutated transcript is sent in chunks of seeded sizes while everything the server says is
/// read; then the client ends its side. The server must close the connection within the patience given (it may
/// close it earlier, e.g. with BYE or 421); a server that keeps it open is reported as a hang.
/// </summary>
internal static class FuzzSession
{
    private static readonly int[] ChunkSizes = [1, 2, 7, 64, 1500, 16 * 1024];

    /// <summary>Runs the session of <paramref name="seed"/>; returns null when the server behaved, else what it did wrong.</summary>
    public static async Task<string?> RunAsync(FuzzTarget target, int seed, TimeSpan patience)
    {
        var random = new Random(seed);
        var input = TranscriptMutator.Mutate(target.Seeds[random.Next(target.Seeds.Length)], target.Seeds, random);
        using var cts = new CancellationTokenSource(patience);
        using var socket = new Socket(target.EndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        var output = new Transcript();
        try
        {
            await socket.ConnectAsync(target.EndPoint, cts.Token);
            if (target.Prelude is { } prelude)
            {
                await socket.SendAsync(Encoding.ASCII.GetBytes($"L {prelude}\r\n"), SocketFlags.None, cts.Token);
                if (!await output.ReadUntilAsync(socket, "\r\nL OK ", cts.Token))
                {
                    return $"the prelude '{prelude}' was not answered OK: {output}";
                }
            }

            var reading = output.DrainAsync(socket, cts.Token);
            await SendInChunksAsync(socket, input, random, cts.Token);
            await reading;
            return null;
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            return $"the connection was still open {patience.TotalSeconds:F0} s after the client's input ended. " +
                $"Input ({input.Length} octets): {Escape(input)}; server said: {output}";
        }
    }

    private static async Task SendInChunksAsync(Socket socket, byte[] input, Random random, CancellationToken cancellationToken)
    {
        try
        {
            for (var offset = 0; offset < input.Length;)
            {
                var size = Math.Min(input.Length - offset, ChunkSizes[random.Next(ChunkSizes.Length)]);
                await socket.SendAsync(input.AsMemory(offset, size), SocketFlags.None, cancellationToken);
                offset += size;
            }

            socket.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException)
        {
            // The server closed the connection before all was sent (BYE, 421, too many errors): allowed.
        }
    }

    /// <summary>The input as text for the report: control octets escaped, long runs cut.</summary>
    private static string Escape(byte[] input)
    {
        var text = new StringBuilder();
        foreach (var b in input.Take(4_000))
        {
            text.Append(b is >= 0x20 and < 0x7F and not (byte)'\\' ? ((char)b).ToString() : $"\\x{b:X2}");
        }

        return input.Length > 4_000 ? text + "..." : text.ToString();
    }

    /// <summary>What the server said: the first 64 KB kept for the prelude, the last 600 octets for the report, the rest counted.</summary>
    private sealed class Transcript
    {
        private const int Kept = 64 * 1024;
        private readonly MemoryStream _head = new();
        private readonly List<byte> _tail = [];
        private long _total;

        public async Task<bool> ReadUntilAsync(Socket socket, string marker, CancellationToken cancellationToken)
        {
            var buffer = new byte[4096];
            while (!Text.Contains(marker, StringComparison.Ordinal))
            {
                var n = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
                if (n == 0 || _head.Length >= Kept)
                {
                    return false;
                }

                Append(buffer.AsSpan(0, n));
            }

            return true;
        }

        public async Task DrainAsync(Socket socket, CancellationToken cancellationToken)
        {
            var buffer = new byte[16 * 1024];
            try
            {
                int n;
                while ((n = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken)) > 0)
                {
                    Append(buffer.AsSpan(0, n));
                }
            }
            catch (SocketException)
            {
                // Reset by the server: closed as well.
            }
        }

        private string Text => Encoding.Latin1.GetString(_head.GetBuffer(), 0, (int)_head.Length);

        private void Append(ReadOnlySpan<byte> data)
        {
            _total += data.Length;
            var room = Kept - (int)_head.Length;
            _head.Write(data[..Math.Min(room, data.Length)]);
            _tail.AddRange(data.Length > 600 ? data[^600..] : data);
            if (_tail.Count > 1200)
            {
                _tail.RemoveRange(0, _tail.Count - 600);
            }
        }

        public override string ToString()
        {
            var tail = Encoding.Latin1.GetString(_tail.TakeLast(600).ToArray());
            return $"{_total} octets, ending: {tail.ReplaceLineEndings("|")}";
        }
    }
}
