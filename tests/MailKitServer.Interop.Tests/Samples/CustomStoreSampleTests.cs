using System.Globalization;
using CustomStore;
using MailKitServer.TestSupport;

namespace MailKitServer.Interop.Tests.Samples;

/// <summary>The custom-store sample (an IMessageStore and IUserDirectory in under 300 lines) with Python's smtplib and imaplib.</summary>
public class CustomStoreSampleTests
{
    [Fact]
    public async Task Imaplib_reads_flags_and_expunges_mail_kept_by_the_sample_store()
    {
        await using var server = await CustomStoreServer.StartAsync(0, 0);
        var r = await ExternalTool.PythonAsync("""
            import imaplib, smtplib, sys, threading, time
            smtp, imap = int(sys.argv[1]), int(sys.argv[2])
            with smtplib.SMTP("127.0.0.1", smtp) as s:
                s.sendmail("x@elsewhere.test", ["ann@custom.test"], b"Subject: one\r\n\r\nfirst\r\n")
                refused = None
                try:
                    s.sendmail("x@elsewhere.test", ["nobody@custom.test"], b"Subject: no\r\n\r\nx\r\n")
                except smtplib.SMTPRecipientsRefused as e:
                    refused = e.recipients["nobody@custom.test"][0]
                assert refused == 550, refused
            m = imaplib.IMAP4("127.0.0.1", imap)
            m.login("ann@custom.test", "ann-pw")
            typ, data = m.list(); assert data == [b'(\\HasNoChildren) "/" "INBOX"'], data
            typ, data = m.select("INBOX"); assert data[0] == b"1", data
            typ, data = m.fetch("1", "(BODY[] FLAGS)"); assert data[0][1].endswith(b"Subject: one\r\n\r\nfirst\r\n") and data[0][1].startswith(b"Return-Path: <x@elsewhere.test>"), data
            typ, data = m.fetch("1", "(FLAGS)"); assert b"\\Seen" in data[0], data
            typ, data = m.create("Other"); assert typ == "NO", (typ, data)
            # IDLE: a delivery during IDLE is pushed.
            tag = m._new_tag().decode(); m.send(f"{tag} IDLE\r\n".encode()); assert m.readline().startswith(b"+")
            threading.Thread(target=lambda: smtplib.SMTP("127.0.0.1", smtp).sendmail("x@elsewhere.test", ["ann@custom.test"], b"Subject: two\r\n\r\nsecond\r\n")).start()
            line = m.readline(); assert line.strip() == b"* 2 EXISTS", line
            m.send(b"DONE\r\n")
            while not m.readline().startswith(tag.encode()): pass
            m.store("1", "+FLAGS", "(\\Deleted)")
            typ, data = m.expunge(); assert data == [b"1"], data
            typ, data = m.search(None, "ALL"); assert data == [b"1"], data
            m.logout(); print("ok")
            """, server.GetEndpoint("smtp").Port.ToString(CultureInfo.InvariantCulture), server.GetEndpoint("imap").Port.ToString(CultureInfo.InvariantCulture));
        Assert.True(r.ExitCode == 0 && r.Stdout.Contains("ok", StringComparison.Ordinal), r.ToString());
    }
}
