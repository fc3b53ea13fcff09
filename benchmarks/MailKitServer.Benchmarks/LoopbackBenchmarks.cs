using System.Net.Sockets;
using System.Text;
using BenchmarkDotNet.Attributes;
using MailKitServer.Imap;
using MailKitServer.Runtime;
using MailKitServer.Smtp;
using MailKitServer.Storage.InMemory;
using MailKitServer.Users.InMemory;

namespace MailKitServer.Benchmarks;

/// <summary>
/// End to end over loopback: one SMTP session (connect, EHLO, MAIL, RCPT, DATA, QUIT) sending a message of the
/// given size to the in-memory store, and one IMAP session (LOGIN, SELECT, UID FETCH BODY[], LOGOUT) reading it.
/// </summary>
[MemoryDiagnoser]
public class LoopbackBenchmarks
{
    private readonly byte[] _buffer = new byte[256 * 1024];
    private MailServer _server = null!;
    private InMemoryMessageStore _store = null!;
    private byte[] _payload = null!;
    private int _smtpPort;
    private int _imapPort;

    [Params(1024, 100 * 1024, 2 * 1024 * 1024)]
    public int Size { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _store = new InMemoryMessageStore();
        var users = new InMemoryUserDirectory();
        users.AddUser("bench@example.test", "pw");
        _server = await MailServer.CreateBuilder().UseStore(_store).UseDirectory(users)
            .Configure(o => o.AllowInsecureAuthentication = true)
            .AddSmtp(0).AddImap(0).StartAsync();
        _smtpPort = _server.GetEndpoint("smtp").Port;
        _imapPort = _server.GetEndpoint("imap").Port;
        var line = new string('x', 76) + "\r\n";
        var body = new StringBuilder("Subject: bench\r\n\r\n");
        while (body.Length < Size)
        {
            body.Append(line);
        }

        _payload = Encoding.ASCII.GetBytes(body.ToString()[..Size] + "\r\n.\r\n");
        await Task.CompletedTask;
    }

    /// <summary>Keeps memory flat: what SmtpSend delivered is dropped after each iteration.</summary>
    [IterationCleanup(Target = nameof(SmtpSend))]
    public void Drop() => _store.Clear();

    /// <summary>ImapFetch needs the one message.</summary>
    [IterationSetup(Target = nameof(ImapFetch))]
    public void EnsureMessage()
    {
        _store.Clear();
        SmtpSendAsync().GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public async Task CleanupAsync() => await _server.DisposeAsync();

    [Benchmark]
    public Task<int> SmtpSend() => SmtpSendAsync();

    [Benchmark]
    public async Task<int> ImapFetch()
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", _imapPort);
        var stream = client.GetStream();
        await ReadUntilAsync(stream, "* OK");
        await WriteAsync(stream, "a LOGIN bench@example.test pw\r\nb SELECT INBOX\r\nc UID FETCH 1 BODY.PEEK[]\r\nd LOGOUT\r\n");
        return await ReadUntilAsync(stream, "d OK");
    }

    private async Task<int> SmtpSendAsync()
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", _smtpPort);
        var stream = client.GetStream();
        await ReadUntilAsync(stream, "220 ");
        await WriteAsync(stream, "EHLO bench\r\nMAIL FROM:<a@example.test>\r\nRCPT TO:<bench@example.test>\r\nDATA\r\n");
        await ReadUntilAsync(stream, "354 ");
        await stream.WriteAsync(_payload);
        await WriteAsync(stream, "QUIT\r\n");
        return await ReadUntilAsync(stream, "221 ");
    }

    private static ValueTask WriteAsync(NetworkStream stream, string text) => stream.WriteAsync(Encoding.ASCII.GetBytes(text));

    /// <summary>Reads until a line starts with <paramref name="marker"/>; returns the octets read.</summary>
    private async Task<int> ReadUntilAsync(NetworkStream stream, string marker)
    {
        var total = 0;
        var tail = new StringBuilder();
        var needle = "\n" + marker;
        while (true)
        {
            var n = await stream.ReadAsync(_buffer);
            if (n == 0)
            {
                return total;
            }

            total += n;
            tail.Append(Encoding.ASCII.GetString(_buffer, Math.Max(0, n - 512), Math.Min(n, 512)));
            var text = "\n" + tail;
            if (text.Contains(needle, StringComparison.Ordinal))
            {
                return total;
            }

            if (tail.Length > 4096)
            {
                tail.Remove(0, tail.Length - 1024);
            }
        }
    }
}
