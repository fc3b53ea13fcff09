using System.Globalization;
using MailKitServer.TestSupport;

namespace MailKitServer.Interop.Tests.Imap;

/// <summary>
/// Python's imaplib with UIDONLY (RFC 9586) enabled through its own <c>enable()</c>: imaplib files the UIDFETCH and
/// VANISHED responses by name, and raises on the BAD [UIDREQUIRED] answer to a sequence number.
/// </summary>
public class PythonImaplibUidOnlyTests
{
    private const string Script = """
        import imaplib, sys
        m = imaplib.IMAP4("127.0.0.1", int(sys.argv[1]))
        m.login("alice@example.test", "alice-pw")
        typ, data = m.capability(); assert b"UIDONLY" in data[0], data
        typ, data = m.enable("UIDONLY"); assert typ == "OK", (typ, data)
        typ, data = m.response("ENABLED"); assert data == [b"UIDONLY"], data
        typ, data = m.select("INBOX"); assert data[0] == b"3", data

        try:
            m.fetch("1", "(FLAGS)"); raise AssertionError("FETCH by sequence number was accepted")
        except imaplib.IMAP4.error as e:
            assert "UIDREQUIRED" in str(e), e

        typ, data = m.uid("FETCH", "1:*", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])"); assert typ == "OK", (typ, data)
        typ, fetched = m.response("UIDFETCH")
        subjects = {item[0].split(b" ")[0]: item[1].strip() for item in fetched if isinstance(item, tuple)}
        assert subjects == {b"1": b"Subject: one", b"2": b"Subject: two", b"3": b"Subject: three"}, fetched

        typ, data = m.uid("STORE", "2", "+FLAGS", "(\\Deleted)"); assert typ == "OK", (typ, data)
        typ, stored = m.response("UIDFETCH")
        assert len(stored) == 1 and stored[0].startswith(b"2 (FLAGS (") and b"\\Deleted" in stored[0] and b"UID" not in stored[0], stored
        typ, data = m.expunge(); assert typ == "OK", (typ, data)
        typ, vanished = m.response("VANISHED"); assert vanished == [b"2"], vanished
        typ, data = m.uid("SEARCH", "ALL"); assert data == [b"1 3"], data
        m.logout()
        print("ok")
        """;

    [Fact]
    public async Task Imaplib_uses_uid_commands_and_reads_uidfetch_and_vanished()
    {
        await using var server = await TestMailServer.StartAsync();
        foreach (var subject in new[] { "one", "two", "three" })
        {
            await server.AppendAsync("alice@example.test", $"Subject: {subject}\r\n\r\nbody\r\n");
        }

        var r = await ExternalTool.PythonAsync(Script, server.Imap.Port.ToString(CultureInfo.InvariantCulture));
        Assert.True(r.ExitCode == 0 && r.Stdout.Contains("ok", StringComparison.Ordinal), r.ToString());
    }
}
