using System.Buffers.Binary;
using System.Net;
using System.Text;
using MailKitServer.Smtp.Milter;
using MailKitServer.TestSupport;

namespace MailKitServer.Smtp.Tests.Milter;

/// <summary>
/// The milter client (protocol version 6) against a real filter: a Python milter on Debian's python3-milter (libmilter)
/// sees every step and at end of message asks for every kind of change; a recipient it refuses gets its reply code.
/// The packet reader takes its input split at every byte boundary.
/// </summary>
public sealed class MilterClientTests
{
    private const string Filter = """
        import sys, Milter
        class Test(Milter.Base):
            def __init__(self):
                self.rcpts = []
                self.headers = []
                self.body_bytes = b""
            def connect(self, host, family, hostaddr):
                self.seen_host = "%s %s" % (host, hostaddr[0])
                return Milter.CONTINUE
            def hello(self, name):
                self.helo = name
                return Milter.CONTINUE
            def envfrom(self, sender, *params):
                self.sender = sender + "".join(" " + p for p in params)
                return Milter.CONTINUE
            def envrcpt(self, recipient, *params):
                if "reject" in recipient:
                    self.setreply("550", "5.7.1", "refused by the test milter")
                    return Milter.REJECT
                if "later" in recipient:
                    return Milter.TEMPFAIL
                self.rcpts.append(recipient)
                return Milter.CONTINUE
            def header(self, name, value):
                self.headers.append("%s=%s" % (name, value))
                return Milter.CONTINUE
            def eoh(self):
                return Milter.CONTINUE
            def body(self, chunk):
                self.body_bytes += chunk
                return Milter.CONTINUE
            def eom(self):
                self.addheader("X-Seen", "%s|%s|%s|%s|%s|%d" % (self.seen_host, self.helo, self.sender, ",".join(self.rcpts), ";".join(self.headers), len(self.body_bytes)))
                self.addheader("X-First", "inserted", 0)
                self.chgheader("Subject", 1, "changed by the milter")
                self.addrcpt("<added@b.test>")
                self.delrcpt("<drop@b.test>")
                self.chgfrom("<bounces@milter.test>")
                self.replacebody(self.body_bytes.replace(b"spam", b"ham"))
                self.quarantine("held by the test milter")
                return Milter.ACCEPT
        Milter.factory = Test
        Milter.set_flags(Milter.ADDHDRS | Milter.CHGHDRS | Milter.CHGBODY | Milter.ADDRCPT | Milter.DELRCPT | Milter.QUARANTINE | Milter.CHGFROM)
        Milter.runmilter("mks-test", "inet:%s@127.0.0.1" % sys.argv[1], 30)
        """;

    [Fact]
    public async Task A_python_milter_sees_every_step_and_its_changes_and_verdicts_come_back()
    {
        await using var milter = await PythonMilter.StartAsync(Filter);
        await using var client = await MilterClient.ConnectAsync(milter.EndPoint, TimeSpan.FromSeconds(20), TimeProvider.System, default);
        var wanted = MilterActions.AddHeaders | MilterActions.ChangeHeaders | MilterActions.ChangeBody | MilterActions.AddRecipients | MilterActions.DeleteRecipients | MilterActions.Quarantine | MilterActions.ChangeFrom;
        Assert.Equal(wanted, client.Actions & wanted);

        Assert.Equal(MilterAction.Continue, (await client.ConnectAsync("client.example", new IPEndPoint(IPAddress.Parse("127.0.0.3"), 40000), default)).Action);
        Assert.Equal(MilterAction.Continue, (await client.HeloAsync("mail.example", default)).Action);
        Assert.Equal(MilterAction.Continue, (await client.MailAsync("alice@example.test", ["SIZE=120"], default)).Action);
        Assert.Equal(MilterAction.Continue, (await client.RecipientAsync("bob@b.test", [], default)).Action);
        var refused = await client.RecipientAsync("reject@b.test", [], default);
        Assert.Equal(new MilterDecision(MilterAction.Reject, "550 5.7.1 refused by the test milter"), refused);
        Assert.Equal(MilterAction.TempFail, (await client.RecipientAsync("later@b.test", [], default)).Action);
        Assert.Equal(MilterAction.Continue, (await client.DataAsync(default)).Action);
        Assert.Equal(MilterAction.Continue, (await client.HeaderAsync("From", " Alice <alice@example.test>", default)).Action);
        Assert.Equal(MilterAction.Continue, (await client.HeaderAsync("Subject", " hello", default)).Action);
        Assert.Equal(MilterAction.Continue, (await client.EndOfHeadersAsync(default)).Action);
        var body = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("spam and eggs\r\n", 5000)));
        Assert.Equal(MilterAction.Continue, (await client.BodyAsync(new MemoryStream(body), default)).Action);
        var (decision, changes) = await client.EndOfMessageAsync(default);

        Assert.Equal(MilterAction.Accept, decision.Action);
        Assert.Equal(
        [
            (MilterModificationKind.AddHeader, "X-Seen", $"client.example 127.0.0.3|mail.example|<alice@example.test> SIZE=120|<bob@b.test>|From=Alice <alice@example.test>;Subject=hello|{body.Length}", 0),
            (MilterModificationKind.InsertHeader, "X-First", "inserted", 0),
            (MilterModificationKind.ChangeHeader, "Subject", "changed by the milter", 1),
            (MilterModificationKind.AddRecipient, "added@b.test", null, 0),
            (MilterModificationKind.DeleteRecipient, "drop@b.test", null, 0),
            (MilterModificationKind.ChangeFrom, "bounces@milter.test", null, 0),
            (MilterModificationKind.ReplaceBody, "", null, 0),
            (MilterModificationKind.Quarantine, "held by the test milter", null, 0),
        ], changes.Select(c => (c.Kind, c.Name, c.Value, c.Index)));
        Assert.Equal(Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("ham and eggs\r\n", 5000))), changes.Single(c => c.Kind == MilterModificationKind.ReplaceBody).Body);
        await client.QuitAsync(default);
    }

    [Fact]
    public async Task Packets_split_at_every_byte_boundary_are_read_whole()
    {
        // The filter's negotiation reply, a header to add and a reply code, as one stream of octets.
        byte[] wire =
        [
            .. new MilterPacket((byte)'O', Words(6, 0x11, 0x2)).Encode(),
            .. new MilterPacket((byte)'h', "X-A\0b\0"u8.ToArray()).Encode(),
            .. new MilterPacket((byte)'y', "451 4.3.0 later\0"u8.ToArray()).Encode(),
        ];
        for (var split = 0; split <= wire.Length; split++)
        {
            await using var stream = new SplitStream(wire, split);
            await using var client = new MilterClient(stream, TimeSpan.FromSeconds(5), TimeProvider.System);
            await client.NegotiateAsync(default);
            Assert.Equal(MilterActions.AddHeaders | MilterActions.ChangeHeaders, client.Actions);
            Assert.Equal(MilterSteps.NoHelo, client.Steps);
            Assert.Equal(MilterDecision.Continue, await client.HeloAsync("not sent", default));
            var (decision, changes) = await client.EndOfMessageAsync(default);
            Assert.Equal(new MilterDecision(MilterAction.TempFail, "451 4.3.0 later"), decision);
            Assert.Equal(new MilterModification(MilterModificationKind.AddHeader, "X-A", "b"), Assert.Single(changes));
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(MilterPacket.MaxLength + 1)]
    public async Task A_packet_length_out_of_bounds_is_a_protocol_error(int length)
    {
        var wire = new byte[8];
        BinaryPrimitives.WriteUInt32BigEndian(wire, (uint)length);
        await using var stream = new SplitStream(wire, 2);
        await using var client = new MilterClient(stream, TimeSpan.FromSeconds(5), TimeProvider.System);
        var error = await Assert.ThrowsAsync<MilterException>(() => client.NegotiateAsync(default));
        Assert.Contains("packet of", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_change_the_filter_did_not_negotiate_and_a_silent_filter_are_errors()
    {
        byte[] wire = [.. new MilterPacket((byte)'O', Words(6, 0x1, 0)).Encode(), .. new MilterPacket((byte)'-', "<x@b.test>\0"u8.ToArray()).Encode()];
        await using (var stream = new SplitStream(wire, wire.Length))
        await using (var client = new MilterClient(stream, TimeSpan.FromSeconds(5), TimeProvider.System))
        {
            await client.NegotiateAsync(default);
            Assert.Contains("without negotiating", (await Assert.ThrowsAsync<MilterException>(() => client.EndOfMessageAsync(default))).Message, StringComparison.Ordinal);
        }

        var time = new ManualTimeProvider();
        await using var silent = new SplitStream(new MilterPacket((byte)'O', Words(6, 0, 0)).Encode(), 0, hangAtEnd: true);
        await using var waiting = new MilterClient(silent, TimeSpan.FromSeconds(30), time);
        await waiting.NegotiateAsync(default);
        var helo = waiting.HeloAsync("mail.example", default);
        await time.WaitForArmedAsync(due => due == TimeSpan.FromSeconds(30));
        time.Advance(TimeSpan.FromSeconds(30));
        Assert.Contains("did not answer", (await Assert.ThrowsAsync<MilterException>(() => helo)).Message, StringComparison.Ordinal);
    }

    private static byte[] Words(params uint[] words)
    {
        var bytes = new byte[words.Length * 4];
        for (var i = 0; i < words.Length; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(i * 4), words[i]);
        }

        return bytes;
    }

    /// <summary>Gives the octets in two reads split at <c>split</c> (one octet per read around it), takes all writes; at the end EOF, or a hang.</summary>
    private sealed class SplitStream(byte[] data, int split, bool hangAtEnd = false) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_position >= data.Length)
            {
                if (hangAtEnd)
                {
                    await Task.Delay(Timeout.Infinite, cancellationToken);
                }

                return 0;
            }

            var end = _position < split ? split : data.Length;
            var count = Math.Min(buffer.Length, end - _position);
            data.AsSpan(_position, count).CopyTo(buffer.Span);
            _position += count;
            return count;
        }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public override void Write(byte[] buffer, int offset, int count)
        {
        }

        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
