using System.Globalization;
using MailKitServer.TestSupport;

namespace MailKitServer.Interop.Tests.Imap;

/// <summary>
/// Python's imaplib with Python's zlib over its socket: COMPRESS=DEFLATE (RFC 4978) with raw deflate (wbits -15) and
/// a sync flush after each command, as the RFC asks of a client.
/// </summary>
public class PythonImaplibCompressTests
{
    private const string Script = """
        import imaplib, sys, zlib
        imaplib.Commands["COMPRESS"] = ("AUTH", "SELECTED")

        class Deflating(imaplib.IMAP4):
            on = False
            def start_compression(self):
                self.deflater = zlib.compressobj(6, zlib.DEFLATED, -15)
                self.inflater = zlib.decompressobj(-15)
                self.buffer = b""
                self.on = True
            def fill(self):
                data = self.sock.recv(65536)
                if not data:
                    raise imaplib.IMAP4.abort("connection closed")
                self.buffer += self.inflater.decompress(data)
            def read(self, size):
                if not self.on:
                    return super().read(size)
                while len(self.buffer) < size:
                    self.fill()
                out, self.buffer = self.buffer[:size], self.buffer[size:]
                return out
            def readline(self):
                if not self.on:
                    return super().readline()
                while b"\n" not in self.buffer:
                    self.fill()
                i = self.buffer.index(b"\n") + 1
                out, self.buffer = self.buffer[:i], self.buffer[i:]
                return out
            def send(self, data):
                if not self.on:
                    return super().send(data)
                self.sock.sendall(self.deflater.compress(data) + self.deflater.flush(zlib.Z_SYNC_FLUSH))

        m = Deflating("127.0.0.1", int(sys.argv[1]))
        m.login("alice@example.test", "alice-pw")
        typ, data = m.capability(); assert b"COMPRESS=DEFLATE" in data[0], data
        typ, data = m._simple_command("COMPRESS", "DEFLATE"); assert typ == "OK", (typ, data)
        m.start_compression()
        typ, data = m.capability(); assert b"COMPRESS=DEFLATE" not in data[0], data
        body = b"Subject: squeezed\r\n\r\n" + b"compressible line of text\r\n" * 2000
        typ, data = m.append("INBOX", None, None, body); assert typ == "OK", (typ, data)
        typ, data = m.select("INBOX"); assert data[0] == b"2", data
        typ, data = m.fetch("2", "(BODY.PEEK[])"); assert data[0][1] == body, len(data[0][1])
        typ, data = m.fetch("1", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])"); assert b"Subject: before" in data[0][1], data
        try:
            m._simple_command("COMPRESS", "DEFLATE"); raise AssertionError("a second COMPRESS was accepted")
        except imaplib.IMAP4.error as e:
            assert "already" in str(e), e
        m.logout()
        print("ok")
        """;

    [Fact]
    public async Task Imaplib_with_zlib_compresses_both_ways()
    {
        await using var server = await TestMailServer.StartAsync();
        await server.AppendAsync("alice@example.test", "Subject: before\r\n\r\nplain\r\n");
        var r = await ExternalTool.PythonAsync(Script, server.Imap.Port.ToString(CultureInfo.InvariantCulture));
        Assert.True(r.ExitCode == 0 && r.Stdout.Contains("ok", StringComparison.Ordinal), r.ToString());
    }
}
