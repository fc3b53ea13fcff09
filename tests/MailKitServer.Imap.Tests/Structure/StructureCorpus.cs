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

            // imaptest fetch-body-message-rfc822*: a message/rfc822 as the top-level body, nested twice, and holding a digest.
            ("rfc822-top-level", "From: user@domain.org\r\nDate: Sat, 24 Mar 2007 23:00:00 +0200\r\nMime-Version: 1.0\r\nContent-Type: message/rfc822\r\n\r\nFrom: sub@domain.org\r\nDate: Sun, 12 Aug 2012 12:34:56 +0300\r\nSubject: submsg\r\n\r\nHello world\r\n"),
            ("rfc822-x2", "From: user@domain.org\r\nDate: Sat, 24 Mar 2007 23:00:00 +0200\r\nMime-Version: 1.0\r\nContent-Type: message/rfc822\r\n\r\nFrom: user2@domain.org\r\nDate: Fri, 23 Mar 2007 11:22:33 +0200\r\nMime-Version: 1.0\r\nContent-Type: message/rfc822\r\n\r\nFrom: sub@domain.org\r\nDate: Sun, 12 Aug 2012 12:34:56 +0300\r\nSubject: submsg\r\n\r\nHello world\r\n"),
            ("rfc822-digest-trailing-space", "From: user@domain.org\r\nDate: Sat, 24 Mar 2007 23:00:00 +0200\r\nMime-Version: 1.0\r\nContent-Type: message/rfc822\r\n\r\nFrom: sub@domain.org\r\nDate: Sun, 12 Aug 2012 12:34:56 +0300\r\nSubject: submsg\r\nContent-Type: multipart/digest; boundary=\"foo\"\r\n\r\nprologue\r\n\r\n--foo \r\n\r\nFrom: m1@example.com\r\nSubject: m1\r\n\r\nm1 body\r\n\r\n--foo \r\nX-Mime: m2 header\r\n\r\nFrom: m2@example.com\r\nSubject: m2\r\n\r\nm2 body\r\n\r\n--foo--\r\n\r\nepilogue\r\n"),
            ("rfc822-in-rfc822-in-multipart", "From: a@b.test\r\nContent-Type: multipart/mixed; boundary=m\r\n\r\n--m\r\nContent-Type: text/plain\r\n\r\nintro\r\n--m\r\nContent-Type: message/rfc822\r\n\r\nFrom: outer@x.test\r\nSubject: outer\r\nContent-Type: message/rfc822\r\n\r\nFrom: inner@y.test\r\nSubject: inner\r\nContent-Type: multipart/alternative; boundary=i\r\n\r\n--i\r\nContent-Type: text/plain\r\n\r\ninner text\r\n--i--\r\n\r\n--m--\r\n"),
            ("rfc822-base64", "From: a@b.test\r\nContent-Type: multipart/mixed; boundary=m\r\n\r\n--m\r\nContent-Type: message/rfc822\r\nContent-Transfer-Encoding: base64\r\n\r\nRnJvbTogaW5uZXJAeC50ZXN0DQpTdWJqZWN0OiBlbmNvZGVkDQoNCmJvZHkNCg==\r\n--m--\r\n"),
            ("rfc822-empty-body", "From: a@b.test\r\nContent-Type: multipart/mixed; boundary=m\r\n\r\n--m\r\nContent-Type: message/rfc822\r\n\r\n--m\r\nContent-Type: text/plain\r\n\r\nafter\r\n--m--\r\n"),
            ("rfc822-top-level-empty", "From: a@b.test\r\nContent-Type: message/rfc822\r\n\r\n"),
            ("rfc822-cut-by-boundary", "From: a@b.test\r\nContent-Type: multipart/mixed; boundary=m\r\n\r\n--m\r\nContent-Type: message/rfc822\r\n\r\nFrom: inner@x.test\r\nContent-Type: multipart/mixed; boundary=i\r\n\r\n--i\r\nContent-Type: text/plain\r\n\r\nnever closed inside\r\n--m\r\nContent-Type: text/plain\r\n\r\nlast\r\n--m--\r\n"),
            ("rfc822-header-cut-by-boundary", "From: a@b.test\r\nContent-Type: multipart/mixed; boundary=m\r\n\r\n--m\r\nContent-Type: message/rfc822\r\n\r\nFrom: inner@x.test\r\nSubject: header never ends\r\n--m--\r\n"),

            // Parts whose header has no blank line after it, and parts with an empty body.
            ("part-without-blank-line", "From: a@b.test\r\nContent-Type: multipart/mixed; boundary=m\r\n\r\n--m\r\nContent-Type: text/plain\r\n--m\r\nContent-Type: text/html\r\nContent-ID: <x@y>\r\n--m--\r\n"),
            ("part-empty-body", "From: a@b.test\r\nContent-Type: multipart/mixed; boundary=m\r\n\r\n--m\r\nContent-Type: text/plain\r\n\r\n--m\r\nContent-Type: text/plain\r\n\r\n\r\n--m\r\n\r\n--m--\r\n"),
            ("part-no-header-at-all", "From: a@b.test\r\nContent-Type: multipart/mixed; boundary=m\r\n\r\n--m\r\n\r\nimplicit text/plain\r\n--m--\r\n"),

            // Boundaries: trailing garbage and white space after a delimiter (RFC 2046 §5.1.1), a longer boundary that starts like another.
            ("boundary-trailing-garbage", "From: a@b.test\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b garbage after the delimiter\r\nContent-Type: text/plain\r\n\r\none\r\n--b\t \r\nContent-Type: text/plain\r\n\r\ntwo\r\n--b-- trailing\r\nepilogue\r\n"),
            ("boundary-prefix-of-another", "From: a@b.test\r\nContent-Type: multipart/mixed; boundary=\"ab\"\r\n\r\n--ab\r\nContent-Type: multipart/alternative; boundary=\"abc\"\r\n\r\n--abc\r\nContent-Type: text/plain\r\n\r\ninner\r\n--abc--\r\n--ab--\r\n"),

            // RFC 2231 continuations out of order, with a gap, and broken percent escapes.
            ("rfc2231-out-of-order", "From: a@b.test\r\nContent-Type: application/octet-stream; name*2=\"c.txt\"; name*0=\"a\"; name*1=\"b\"\r\nContent-Disposition: attachment; filename*1*=%E2%82%AC.pdf; filename*0*=utf-8''%E2%82%AC\r\n\r\nx\r\n"),
            ("rfc2231-broken", "From: a@b.test\r\nContent-Type: application/octet-stream; name*0*=utf-8''%E2%8; name*2=\"gap\"; title*=bad-charset'en'%ZZ%41\r\nContent-Disposition: attachment; filename*=''%41%42\r\n\r\nx\r\n"),

            // Headers: adjacent encoded words, 8-bit Latin-1 octets, obsolete routes and comments for names.
            ("adjacent-encoded-words", "From: =?utf-8?q?J=C3=B6rg?= =?utf-8?q?_M=C3=BCller?= <j@x.test>\r\nSubject: =?utf-8?B?w6TDtsO8?==?utf-8?B?IQ==?= =?iso-8859-1?q?caf=E9?=   =?iso-8859-1?q?_noir?=\r\n\r\nx\r\n"),
            ("latin1-header-octets", "From: J\u00f6rg <joerg@example.test>\r\nSubject: Gr\u00fc\u00dfe aus K\u00f6ln\r\nContent-Type: text/plain; charset=iso-8859-1; name=\"K\u00f6ln.txt\"\r\n\r\nK\u00f6ln\r\n"),
            ("obsolete-routes", "From: <@route:user@domain>\r\nTo: Mary <@a.test,@b.test:mary@c.test>, \"Joe\" <@x.test:joe@y.test> (comment)\r\nCc: user@domain (Real Name), (Only Comment) other@domain\r\nSender: \r\nReply-To: \r\n\r\nbody\r\n"),

            // imaptest fetch-envelope.
            ("envelope-full", "Message-ID: <msg@id>\r\nIn-Reply-To: <reply@to.id>\r\nDate: Thu, 15 Feb 2007 01:02:03 +0200\r\nSubject: subject header\r\nFrom: From Real <fromuser@fromdomain.org>\r\nTo: To Real <touser@todomain.org>\r\nCc: Cc Real <ccuser@ccdomain.org>\r\nBcc: Bcc Real <bccuser@bccdomain.org>\r\nSender: Sender Real <senderuser@senderdomain.org>\r\nReply-To: ReplyTo Real <replytouser@replytodomain.org>\r\n\r\nbody\r\n"),
            ("envelope-groups-and-comment-name", "Date: Thu, 15 Feb 2007 01:02:03 +0200\r\nFrom: user@domain (Real Name)\r\nTo: group: g1@d1.org, g2@d2.org;, group2: g3@d3.org;\r\nCc: group:;, group2: (foo) ;\r\n\r\nbody\r\n"),

            // White space in what ENVELOPE shows people, and around a Message-ID.
            ("whitespace-subject", "From: a@b.test\r\nSubject: a   b\tc\r\n\r\nx\r\n"),
            ("whitespace-between-encoded-words", "From: a@b.test\r\nSubject: x =?utf-8?q?a?= \t =?utf-8?q?b?= y\r\n\r\nx\r\n"),
            ("whitespace-folded-encoded-words", "From: a@b.test\r\nSubject: x\r\n =?utf-8?q?a?=\r\n =?utf-8?q?b?=\r\n\r\nx\r\n"),
            ("whitespace-names-and-ids", "From: \"A   B\"  <a@b.test>\r\nSubject: (c)  x\r\nMessage-ID:   <a@b>  \r\n\r\nx\r\n"),

            // Body lines that start with '-' without being boundaries, in a multipart, after its close and in a single
            // part; LF and CRLF mixed right before boundaries (the parser counts other body lines without looking at them).
            ("dash-lines-in-bodies", "From: a@b.test\r\nContent-Type: multipart/mixed; boundary=\"d\"\r\n\r\n- pre\r\n--\r\n--d\r\nContent-Type: text/plain\r\n\r\n- item\r\n-\r\n--\r\n---\r\n-- \r\n--e not ours\nplain\n--d\nContent-Type: text/plain\n\nlf body\n\n--d--\r\n-- d\r\n- epilogue\r\nend\r\n"),
            ("dash-lines-single-part", "From: a@b.test\r\nSubject: dashes\r\n\r\n--a\r\n-\n--\r\n\r\n---- last line without newline"),
            ("dash-lines-nested", "From: a@b.test\r\nContent-Type: multipart/mixed; boundary=o\r\n\r\n--o\r\nContent-Type: multipart/alternative; boundary=i\r\n\r\n--i\r\nContent-Type: text/plain\r\n\r\n-x\r\n-o-ish\r\n--i--\r\n- between\r\n- i\r\n--o\r\nContent-Type: text/plain\r\n\r\nafter\r\n--o--\r\n"),

            // imaptest fetch-binary-mime-qp: quoted-printable with trailing white space and soft breaks.
            ("qp-trailing-space", "From: user@domain.org\r\nMime-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"foo\r\n bar\"\r\n\r\nRoot MIME prologue\r\n\r\n--foo bar\r\nContent-Type: text/x-myown; charset=us-ascii\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nhello  \r\nbar=\r\n\r\nfoo\t=\r\nbar\r\nfoo\t \t= \r\n=62\r\nfoo = \t\r\nbar\r\nfoo =\r\n=62\r\nfoo  \r\nbar=\r\n\r\nfoo_bar\r\n\r\n--foo bar--\r\nRoot MIME epilogue\r\n"),
        };
        // Entries named latin1-* hold 8-bit ISO-8859-1 octets, not UTF-8.
        return list.Select(x => (x.Item1, x.Item1.StartsWith("latin1-", StringComparison.Ordinal) ? Encoding.Latin1.GetBytes(x.Item2) : Encoding.UTF8.GetBytes(x.Item2))).ToList();
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
