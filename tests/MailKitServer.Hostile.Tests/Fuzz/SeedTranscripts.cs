namespace MailKitServer.Hostile.Tests.Fuzz;

/// <summary>
/// What real clients send, per protocol, as the fuzzer's starting points: each transcript is the client's side of a
/// session as Thunderbird, MailKit, Python's libraries, swaks or fetchmail send it (lines without their CRLF).
/// </summary>
internal static class SeedTranscripts
{
    private const string Message =
        "From: Alice <alice@example.test>|To: bob@example.test|Subject: =?UTF-8?B?SGVsbG8=?= fuzz|Date: Sun, 29 Nov 2026 10:00:00 +0000|" +
        "Message-ID: <seed@example.test>|MIME-Version: 1.0|Content-Type: multipart/mixed; boundary=\"b1\"||--b1|" +
        "Content-Type: text/plain; charset=utf-8||..a line starting with a dot|--b1|Content-Type: application/octet-stream; name=\"a.bin\"|" +
        "Content-Transfer-Encoding: base64||AAECAwQF|--b1--";

    public static readonly string[][] Smtp =
    [
        ["EHLO client.example.test", "MAIL FROM:<alice@example.test> SIZE=400 BODY=8BITMIME", "RCPT TO:<bob@example.test>", "DATA", .. Lines(Message), ".", "QUIT"],
        ["HELO client", "MAIL FROM:<>", "RCPT TO:<alice@example.test> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;alice@example.test", "RSET", "VRFY alice", "NOOP", "HELP", "QUIT"],
        ["EHLO client", "MAIL FROM:<a@x.test> SMTPUTF8", "RCPT TO:<bob@example.test>", "BDAT 12 LAST", "Subject: x", "QUIT"],
        ["EHLO client", "AUTH PLAIN AGFsaWNlQGV4YW1wbGUudGVzdABhbGljZS1wdw==", "MAIL FROM:<alice@example.test> AUTH=<>", "RCPT TO:<nobody@elsewhere.test>", "STARTTLS", "QUIT"],
    ];

    public static readonly string[][] Submission =
    [
        ["EHLO laptop", "AUTH LOGIN", "YWxpY2VAZXhhbXBsZS50ZXN0", "YWxpY2UtcHc=", "MAIL FROM:<alice@example.test>", "RCPT TO:<bob@example.test>", "RCPT TO:<carol@remote.test>", "DATA", .. Lines(Message), ".", "QUIT"],
        ["EHLO laptop", "AUTH PLAIN", "AGFsaWNlQGV4YW1wbGUudGVzdABhbGljZS1wdw==", "MAIL FROM:<alice@example.test> RET=HDRS ENVID=abc", "RCPT TO:<bob@example.test>", "BDAT 22", "Subject: chunk one||", "BDAT 0 LAST", "QUIT"],
        ["EHLO laptop", "AUTH CRAM-MD5", "YWxpY2UgMDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=", "AUTH SCRAM-SHA-256 biwsbj1hbGljZUBleGFtcGxlLnRlc3Qscj1meXprbw==", "*", "QUIT"],
    ];

    public static readonly string[][] Lmtp =
    [
        ["LHLO client", "MAIL FROM:<a@x.test>", "RCPT TO:<alice@example.test>", "RCPT TO:<bob@example.test>", "RCPT TO:<nobody@example.test>", "DATA", .. Lines(Message), ".", "QUIT"],
        ["LHLO client", "MAIL FROM:<a@x.test> BODY=BINARYMIME", "RCPT TO:<alice@example.test>", "BDAT 8 LAST", "x: y||", "RSET", "QUIT"],
    ];

    public static readonly string[][] Pop3 =
    [
        ["CAPA", "USER alice@example.test", "PASS alice-pw", "STAT", "LIST", "UIDL", "LIST 1", "RETR 1", "TOP 1 3", "DELE 1", "RSET", "NOOP", "QUIT"],
        ["AUTH PLAIN AGFsaWNlQGV4YW1wbGUudGVzdABhbGljZS1wdw==", "UIDL 1", "TOP 2 0", "DELE 2", "LAST", "QUIT"],
        ["APOP alice@example.test c4c9334bac560ecc979e58001b3e22fb", "AUTH LOGIN", "YWxpY2VAZXhhbXBsZS50ZXN0", "YWxpY2UtcHc=", "STLS", "UTF8", "QUIT"],
    ];

    /// <summary>IMAP before login: the fuzzed session logs in (or fails to) itself.</summary>
    public static readonly string[][] ImapAnonymous =
    [
        ["a1 CAPABILITY", "a2 ID (\"name\" \"Thunderbird\" \"version\" \"128.0\")", "a3 LOGIN alice@example.test alice-pw", "a4 SELECT INBOX", "a5 LOGOUT"],
        ["a1 AUTHENTICATE PLAIN", "AGFsaWNlQGV4YW1wbGUudGVzdABhbGljZS1wdw==", "a2 ENABLE UTF8=ACCEPT", "a3 LIST \"\" *", "a4 LOGOUT"],
        ["a1 LOGIN {18}", "alice@example.test {8}", "alice-pw", "a2 NOOP", "a3 STARTTLS", "a4 LOGOUT"],
        ["a1 AUTHENTICATE PLAIN AGFsaWNlQGV4YW1wbGUudGVzdABhbGljZS1wdw==", "a2 COMPRESS DEFLATE", "a3 NAMESPACE", "a4 LOGOUT"],
    ];

    /// <summary>IMAP after login: sent once "L LOGIN alice" is answered OK.</summary>
    public static readonly string[][] ImapAuthenticated =
    [
        ["b1 SELECT INBOX (CONDSTORE)", "b2 FETCH 1:* (FLAGS UID RFC822.SIZE INTERNALDATE ENVELOPE BODYSTRUCTURE)", "b3 UID FETCH 1:* (BODY.PEEK[HEADER.FIELDS (FROM TO SUBJECT DATE)] BODY.PEEK[1]<0.100>)",
            "b4 UID STORE 1:2 +FLAGS.SILENT (\\Seen $Label1)", "b5 UID SEARCH CHARSET UTF-8 OR (UNSEEN FROM alice) (SUBJECT \"fuzz\" NOT DELETED) SINCE 1-Jan-2020", "b6 UID COPY 1 Archive", "b7 EXPUNGE", "b8 CLOSE", "b9 LOGOUT"],
        ["b1 LIST \"\" \"*\" RETURN (SUBSCRIBED CHILDREN SPECIAL-USE STATUS (MESSAGES UNSEEN))", "b2 CREATE Fuzz/Child", "b3 RENAME Fuzz Fuzzed", "b4 STATUS INBOX (MESSAGES UIDNEXT UIDVALIDITY UNSEEN HIGHESTMODSEQ)", "b5 SUBSCRIBE Fuzzed", "b6 DELETE Fuzzed/Child", "b7 LSUB \"\" *", "b8 LOGOUT"],
        ["b1 APPEND INBOX (\\Flagged) \"29-Nov-2026 10:00:00 +0000\" {49}", "Subject: appended|From: a@x.test||body of it..", "b2 EXAMINE INBOX", "b3 FETCH 1 (BINARY.PEEK[2] BINARY.SIZE[2] BODY[TEXT])", "b4 IDLE", "DONE", "b5 UNSELECT", "b6 LOGOUT"],
        ["b1 SELECT INBOX", "b2 UID SORT (REVERSE ARRIVAL SUBJECT) UTF-8 ALL", "b3 UID THREAD REFERENCES UTF-8 ALL", "b4 SEARCH RETURN (MIN MAX COUNT) 1:* LARGER 10", "b5 UID MOVE 1 Trash", "b6 GETQUOTAROOT INBOX", "b7 UID EXPUNGE 1:*", "b8 LOGOUT"],
    ];

    /// <summary>A message for the store before fuzzing, so FETCH, RETR and SEARCH have something to chew on.</summary>
    public static string StoredMessage => string.Join("\r\n", Lines(Message)) + "\r\n";

    // '|' stands for a line break inside a transcript written on one line.
    private static string[] Lines(string text) => text.Split('|');
}
