using System.Text;

namespace MailKitServer.Imap.Tests.Structure;

/// <summary>A varied set of messages: the kinds of structure and header encoding real mail has, and broken ones.</summary>
internal static class StructureCorpus
{
    public static IReadOnlyList<(string Name, byte[] Message)> All()
    {
        var list = new List<(string, string)>
        {
            ("plain", "From: Alice <alice@example.test>\r\nTo: bob@example.test\r\nSubject: Hello\r\nDate: Sun, 22 Nov 2026 03:00:00 +0000\r\nMessage-ID: <1@example.test>\r\n\r\nJust text.\r\nTwo lines.\r\n"),
            ("no-headers-body", "\r\nbody only\r\n"),
            ("headers-only", "Subject: no body\r\nFrom: a@b.test\r\n"),
            ("empty", ""),
            ("uppercase-types", "From: a@b.test\r\nContent-Type: TEXT/HTML; CHARSET=ISO-8859-1\r\nContent-Transfer-Encoding: QUOTED-PRINTABLE\r\n\r\n<p>caf=E9</p>\r\n"),
            ("alternative", "From: a@b.test\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=\"alt-1\"\r\n\r\n--alt-1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nGrüße\r\n--alt-1\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<b>Grüße</b>\r\n--alt-1--\r\n"),
            ("mixed-attachment", "From: \"Joe Q. Public\" <john.q.public@example.com>\r\nTo: Mary Smith <mary@x.test>, jdoe@example.org\r\nCc: <boss@nil.test>, \"Giant; \\\"Big\\\" Box\" <sysservices@example.net>\r\nSubject: =?utf-8?q?caf=C3=A9?= =?iso-8859-1?b?Y2Fm6Q==?=\r\nContent-Type: multipart/mixed; boundary=XX\r\n\r\npre\r\n--XX\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Language: en, de\r\nContent-Location: http://example.test/x\r\nContent-MD5: Q2hlY2sgSW50ZWdyaXR5IQ==\r\n\r\nhello\r\nworld\r\n--XX\r\nContent-Type: application/pdf; name=\"a.pdf\"\r\nContent-Disposition: attachment; filename*=utf-8''%E2%82%AC.pdf\r\nContent-ID: <part2@x>\r\nContent-Description: the file\r\nContent-Transfer-Encoding: base64\r\n\r\nAAAA\r\n--XX--\r\nepi\r\n"),
            ("rfc2231-continuations", "From: a@b.test\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: application/octet-stream;\r\n name*0*=us-ascii'en'This%20is%20even%20more%20;\r\n name*1*=%2A%2A%2Afun%2A%2A%2A%20;\r\n name*2=\"isn't it!\"\r\nContent-Disposition: attachment; filename*0=\"long\"; filename*1=\"name.txt\"\r\n\r\nx\r\n--b--\r\n"),
            ("nested-message", "From: outer@b.test\r\nSubject: fwd\r\nContent-Type: multipart/mixed; boundary=\"o\"\r\n\r\n--o\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n--o\r\nContent-Type: message/rfc822\r\n\r\nFrom: inner@c.test\r\nTo: x@y.test\r\nSubject: inner\r\nDate: Mon, 1 Jan 2024 10:00:00 -0500\r\nContent-Type: multipart/alternative; boundary=i\r\n\r\n--i\r\nContent-Type: text/plain\r\n\r\ninner text\r\n--i\r\nContent-Type: text/html\r\n\r\n<p>inner</p>\r\n--i--\r\n\r\n--o--\r\n"),
            ("message-rfc822-leaf", "From: a@b.test\r\nContent-Type: message/rfc822\r\n\r\nFrom: c@d.test\r\nSubject: only\r\n\r\nbody\r\n"),
            ("missing-final-boundary", "From: a@b.test\r\nContent-Type: multipart/mixed; boundary=zz\r\n\r\n--zz\r\nContent-Type: text/plain\r\n\r\npart one\r\n--zz\r\nContent-Type: text/plain\r\n\r\npart two never closed\r\n"),
            ("boundary-lookalike-in-base64", "From: a@b.test\r\nContent-Type: multipart/mixed; boundary=\"q\"\r\n\r\n--q\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\nLS1xdQ==\r\n--qu\r\nAAAA\r\n--q--\r\n"),
            ("groups", "From: a@b.test\r\nTo: undisclosed-recipients:;\r\nCc: Team: alice@example.test, \"Bob B\" <bob@example.test>;, carol@example.test\r\nBcc: (comment) <d@e.test> (another)\r\nReply-To: <@route.test,@other.test:rt@x.test>\r\nSender: sender@x.test\r\nIn-Reply-To: <a@b> <c@d>\r\n\r\nx\r\n"),
            ("encoded-names", "From: =?ISO-8859-1?Q?Andr=E9?= Pirard <PIRARD@vm1.ulg.ac.be>\r\nTo: =?KOI8-R?B?98HTyczJ?= <v@ru.test>, =?windows-1252?Q?Ren=E9?= <r@x.test>\r\nSubject: =?ISO-2022-JP?B?GyRCJUYlOSVIGyhC?=\r\n\r\nx\r\n"),
            ("digest", "From: a@b.test\r\nContent-Type: multipart/digest; boundary=d\r\n\r\n--d\r\n\r\nFrom: one@x.test\r\nSubject: first\r\n\r\nfirst body\r\n--d\r\nContent-Type: text/plain\r\n\r\nnot a message\r\n--d--\r\n"),
            ("lf-only", "From: a@b.test\nContent-Type: multipart/mixed; boundary=L\n\n--L\nContent-Type: text/plain\n\nline one\nline two\n--L--\n"),
            ("no-final-newline", "From: a@b.test\r\nSubject: x\r\n\r\nlast line without newline"),
            ("eight-bit-header", "From: Jörg <joerg@example.test>\r\nSubject: Grüße aus Köln\r\n\r\nx\r\n"),
            ("empty-multipart", "From: a@b.test\r\nContent-Type: multipart/mixed; boundary=e\r\n\r\n--e--\r\n"),
            ("preamble-only", "From: a@b.test\r\nContent-Type: multipart/mixed; boundary=p\r\n\r\nonly a preamble, no parts\r\n"),
            ("related-with-cid", "From: a@b.test\r\nContent-Type: multipart/related; type=\"text/html\"; boundary=r; start=\"<root@x>\"\r\n\r\n--r\r\nContent-Type: text/html; charset=us-ascii\r\nContent-ID: <root@x>\r\n\r\n<img src=cid:img@x>\r\n--r\r\nContent-Type: image/png\r\nContent-ID: <img@x>\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: inline; filename=\"p.png\"; size=4\r\n\r\niVBORw0KGgo=\r\n--r--\r\n"),
            ("deep-nesting", Nested(12)),
            ("format-flowed", "From: a@b.test\r\nContent-Type: text/plain; format=flowed; delsp=yes\r\n\r\nflowed \r\ntext\r\n"),
            ("encoded-word-filename", "From: a@b.test\r\nContent-Type: multipart/mixed; boundary=f\r\n\r\n--f\r\nContent-Type: application/octet-stream; name=\"=?UTF-8?B?w6TDtsO8LnR4dA==?=\"\r\nContent-Disposition: attachment; filename=\"=?UTF-8?B?w6TDtsO8LnR4dA==?=\"\r\n\r\nx\r\n--f--\r\n"),
            ("invalid-content-type", "From: a@b.test\r\nContent-Type: garbage\r\n\r\nx\r\n"),
            ("nul-bytes", "From: a@b.test\r\nSubject: nul\r\n\r\nbefore\0after\r\n"),
            ("long-line", "From: a@b.test\r\nSubject: long\r\n\r\n" + new string('x', 100_000) + "\r\nshort\r\n"),
            ("multipart-no-boundary-param", "From: a@b.test\r\nContent-Type: multipart/mixed\r\n\r\n--x\r\nbody\r\n"),
            ("folded-headers", "From: a@b.test\r\nSubject: a subject\r\n\tthat is folded\r\n  twice\r\nTo: one@x.test,\r\n two@y.test\r\n\r\nx\r\n"),
            ("message-global", "From: a@b.test\r\nContent-Type: multipart/mixed; boundary=g\r\n\r\n--g\r\nContent-Type: message/global\r\n\r\nFrom: ü@x.test\r\nSubject: global\r\n\r\nbody\r\n--g--\r\n"),
        };
        return list.Select(x => (x.Item1, Encoding.UTF8.GetBytes(x.Item2))).ToList();
    }

    public static string Nested(int depth)
    {
        var sb = new StringBuilder("From: deep@x.test\r\n");
        for (var i = 0; i < depth; i++)
        {
            sb.Append($"Content-Type: multipart/mixed; boundary=\"n{i}z\"\r\n\r\n--n{i}z\r\n");
        }

        sb.Append("Content-Type: text/plain\r\n\r\ninnermost\r\n");
        for (var i = depth - 1; i >= 0; i--)
        {
            sb.Append($"--n{i}z--\r\n");
        }

        return sb.ToString();
    }
}
