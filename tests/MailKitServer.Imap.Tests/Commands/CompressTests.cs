using System.IO.Compression;
using System.Net.Sockets;
using System.Text;
using MailKitServer.TestSupport;

namespace MailKitServer.Imap.Tests.Commands;

/// <summary>COMPRESS=DEFLATE (RFC 4978) over the wire, with .NET's raw DEFLATE on the client side.</summary>
public sealed class CompressTests
{
    /// <summary>A client that speaks plain IMAP until <see cref="StartCompression"/>, then raw DEFLATE both ways.</summary>
    private sealed class DeflateClient : IAsyncDisposable
    {
        private readonly TcpClient _tcp;
        private readonly NetworkStream _network;
        private Stream _reader;
        private Stream _writer;
        private readonly List<byte> _line = [];

        private DeflateClient(TcpClient tcp)
        {
            _tcp = tcp;
            _network = tcp.GetStream();
            _reader = _network;
            _writer = _network;
        }

        public static async Task<DeflateClient> ConnectAsync(System.Net.IPEndPoint endPoint)
        {
            var tcp = new TcpClient();
            await tcp.ConnectAsync(endPoint);
            return new DeflateClient(tcp);
        }

        public void StartCompression()
        {
            _reader = new DeflateStream(_network, CompressionMode.Decompress, leaveOpen: true);
            _writer = new DeflateStream(_network, CompressionLevel.Optimal, leaveOpen: true);
        }

        public async Task SendAsync(string text) => await SendAsync(Encoding.ASCII.GetBytes(text));

        public async Task SendAsync(byte[] data)
        {
            await _writer.WriteAsync(data);
            await _writer.FlushAsync();
        }

        /// <summary>Writes a long run of one octet (compressed, it is a few kilobytes on the wire), then flushes.</summary>
        public async Task SendRunAsync(byte value, long count)
        {
            var block = new byte[64 * 1024];
            Array.Fill(block, value);
            for (long sent = 0; sent < count; sent += block.Length)
            {
                await _writer.WriteAsync(block.AsMemory(0, (int)Math.Min(block.Length, count - sent)));
            }

            await _writer.FlushAsync();
        }

        public async Task<string?> ReadLineAsync()
        {
            _line.Clear();
            var one = new byte[1];
            while (await _reader.ReadAsync(one) == 1)
            {
                if (one[0] == '\n' && _line.Count > 0 && _line[^1] == '\r')
                {
                    return Encoding.UTF8.GetString(_line.ToArray(), 0, _line.Count - 1);
                }

                _line.Add(one[0]);
            }

            return null;
        }

        public async Task<string> TaggedAsync(string command, List<string>? untagged = null)
        {
            await SendAsync(command + "\r\n");
            var tag = command.Split(' ')[0] + " ";
            while (await ReadLineAsync() is { } line)
            {
                if (line.StartsWith(tag, StringComparison.Ordinal))
                {
                    return line;
                }

                untagged?.Add(line);
            }

            throw new IOException("closed");
        }

        public async ValueTask DisposeAsync()
        {
            await _network.DisposeAsync();
            _tcp.Dispose();
        }
    }

    [Fact]
    public async Task Everything_after_the_ok_is_deflated_both_ways_and_a_second_compress_is_bad()
    {
        await using var server = await TestMailServer.StartAsync();
        await server.AppendAsync("alice@example.test", "Subject: compressed\r\n\r\nhello through deflate\r\n");
        await using var client = await DeflateClient.ConnectAsync(server.Imap);
        Assert.DoesNotContain("COMPRESS=DEFLATE", await client.ReadLineAsync(), StringComparison.Ordinal);
        Assert.StartsWith("c BAD", await client.TaggedAsync("c COMPRESS DEFLATE"), StringComparison.Ordinal);
        Assert.Contains("COMPRESS=DEFLATE", await client.TaggedAsync("a LOGIN alice@example.test alice-pw"), StringComparison.Ordinal);
        Assert.StartsWith("x BAD", await client.TaggedAsync("x COMPRESS GZIP"), StringComparison.Ordinal);
        Assert.Equal("c OK DEFLATE active", await client.TaggedAsync("c COMPRESS DEFLATE"));
        client.StartCompression();

        var lines = new List<string>();
        Assert.StartsWith("s OK", await client.TaggedAsync("s SELECT INBOX", lines));
        Assert.Contains("* 1 EXISTS", lines);
        lines.Clear();
        Assert.Equal("f OK FETCH completed", await client.TaggedAsync("f FETCH 1 BODY.PEEK[TEXT]", lines));
        Assert.Equal(["* 1 FETCH (BODY[TEXT] {23}", "hello through deflate", ")"], lines);
        Assert.StartsWith("d BAD", await client.TaggedAsync("d COMPRESS DEFLATE"), StringComparison.Ordinal);

        // Pipelined commands in one compressed flush.
        await client.SendAsync("n1 NOOP\r\nn2 NOOP\r\n");
        Assert.Equal("n1 OK NOOP completed", await client.ReadLineAsync());
        Assert.Equal("n2 OK NOOP completed", await client.ReadLineAsync());
        Assert.StartsWith("l OK", await client.TaggedAsync("l LOGOUT"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_decompression_bomb_hits_the_line_limit_and_the_session_stays_usable()
    {
        await using var server = await TestMailServer.StartAsync();
        await using var client = await DeflateClient.ConnectAsync(server.Imap);
        await client.ReadLineAsync();
        await client.TaggedAsync("a LOGIN alice@example.test alice-pw");
        Assert.Equal("c OK DEFLATE active", await client.TaggedAsync("c COMPRESS DEFLATE"));
        client.StartCompression();

        // 64 MB of one octet in a single command line: about 64 KB on the wire, a thousandfold when inflated.
        await client.SendAsync("b NOOP ");
        await client.SendRunAsync((byte)'x', 64L * 1024 * 1024);
        await client.SendAsync("\r\n");
        var reply = await client.ReadLineAsync() ?? string.Empty;
        Assert.Matches("^(b|\\*) BAD ", reply);
        Assert.Equal("n OK NOOP completed", await client.TaggedAsync("n NOOP"));
    }

    [Fact]
    public async Task Garbage_after_compress_closes_the_connection_quietly_and_the_server_goes_on()
    {
        await using var server = await TestMailServer.StartAsync();
        await using (var client = await DeflateClient.ConnectAsync(server.Imap))
        {
            await client.ReadLineAsync();
            await client.TaggedAsync("a LOGIN alice@example.test alice-pw");
            Assert.Equal("c OK DEFLATE active", await client.TaggedAsync("c COMPRESS DEFLATE"));

            // Not DEFLATE (a reserved block type): the server cannot decode it and closes the connection.
            await client.SendAsync(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, (byte)'\r', (byte)'\n' });
            Assert.Null(await client.ReadLineAsync());
        }

        await using var next = await DeflateClient.ConnectAsync(server.Imap);
        Assert.StartsWith("* OK", await next.ReadLineAsync(), StringComparison.Ordinal);
    }
}
