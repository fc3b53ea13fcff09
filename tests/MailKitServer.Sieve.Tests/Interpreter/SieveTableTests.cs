namespace MailKitServer.Sieve.Tests.Interpreter;

/// <summary>
/// Script × message × envelope → actions, one row each, over the base language and every extension. The message is
/// <see cref="SieveRunner.DefaultMessage"/> (from alice@example.com to bob+lists@example.org) unless a row says otherwise.
/// </summary>
public sealed class SieveTableTests
{
    public static TheoryData<string, string> Cases => new()
    {
        // RFC 5228 base: implicit keep, keep, discard, stop, control structure.
        { "", "keep" },
        { "keep;", "keep" },
        { "discard;", "discard" },
        { "stop; discard;", "keep" },
        { "if true { discard; }", "discard" },
        { "if false { discard; }", "keep" },
        { "if false { discard; } else { keep; }", "keep" },
        { """require "fileinto"; if header :contains "subject" "nope" { fileinto "A"; } elsif header :contains "subject" "invoice" { fileinto "B"; } else { fileinto "C"; }""", "fileinto:B" },
        { """require "fileinto"; if header :contains "subject" "nope" { fileinto "A"; } elsif false { fileinto "B"; } else { fileinto "C"; }""", "fileinto:C" },
        { """require "fileinto"; if true { fileinto "A"; } elsif true { fileinto "B"; }""", "fileinto:A" },
        { "# comment\r\n/* block\r\n comment */ keep; # trailing", "keep" },
        { """require "fileinto"; fileinto "Work";""", "fileinto:Work" },
        { """require "fileinto"; fileinto "A"; fileinto "A";""", "fileinto:A" },
        { """require "fileinto"; fileinto "A"; keep;""", "fileinto:A; keep" },
        { """require ["fileinto", "copy"]; fileinto :copy "A";""", "fileinto:A; keep" },
        { """require "fileinto"; fileinto "a\\b\"c";""", "fileinto:a\\b\"c" },
        { """require "fileinto"; fileinto "\q";""", "fileinto:q" },
        { """if size :over 100 { discard; }""", "discard" },
        { """if size :under 10K { discard; }""", "discard" },
        { """if size :over 1M { discard; }""", "keep" },
        { """if size :under 1 { discard; }""", "keep" },

        // header (RFC 5228 §5.7), comparators (§2.7.3), match types (§2.7.1).
        { """if header :contains "subject" "invoice" { discard; }""", "discard" },
        { """if header :is "Subject" "Invoice 2026-11 for ACME" { discard; }""", "discard" },
        { """if header "Subject" "invoice 2026-11 for acme" { discard; }""", "discard" },
        { """if header :is "Subject" "invoice" { discard; }""", "keep" },
        { """if header :matches "subject" "Invoice *" { discard; }""", "discard" },
        { """if header :matches "subject" "invoice*acme" { discard; }""", "discard" },
        { """if header :matches "subject" "?nvoice*" { discard; }""", "discard" },
        { """if header :matches "subject" "Invoice" { discard; }""", "keep" },
        { """if header :matches "subject" "*" { discard; }""", "discard" },
        { """if header :matches "x-priority" "\\*" { discard; }""", "keep" },
        { """if header :comparator "i;octet" :contains "subject" "invoice" { discard; }""", "keep" },
        { """if header :comparator "i;octet" :contains "subject" "Invoice" { discard; }""", "discard" },
        { """if header :contains ["X-Missing", "Subject"] ["zzz", "ACME"] { discard; }""", "discard" },
        { """if header :contains "X-Missing" "" { discard; }""", "keep" },
        { """if header :contains "Subject" "" { discard; }""", "discard" },
        { """if exists "List-Id" { discard; }""", "discard" },
        { """if exists ["List-Id", "X-None"] { discard; }""", "keep" },
        { """if not exists "X-None" { discard; }""", "discard" },
        { """if header :is "received" "x" { discard; } elsif exists "received" { keep; }""", "keep" },

        // address (§5.1) and its parts, subaddress (RFC 5233).
        { """if address :is "from" "alice@example.com" { discard; }""", "discard" },
        { """if address :domain :is "from" "EXAMPLE.com" { discard; }""", "discard" },
        { """if address :localpart :is "from" "alice" { discard; }""", "discard" },
        { """if address :all :is "to" "carol@example.net" { discard; }""", "discard" },
        { """if address :is "to" "Bob" { discard; }""", "keep" },
        { """if address :is ["to", "cc"] "dave@example.org" { discard; }""", "discard" },
        { """if address :matches :domain "from" "*.com" { discard; }""", "discard" },
        { """require "subaddress"; if address :user :is "to" "bob" { discard; }""", "discard" },
        { """require "subaddress"; if address :detail :is "to" "lists" { discard; }""", "discard" },
        { """require "subaddress"; if address :detail :matches "cc" "*" { discard; }""", "keep" },
        { """if address :user :is "to" "bob" { discard; }""", "compile-error" },

        // envelope (§5.4).
        { """require "envelope"; if envelope :is "from" "alice@example.com" { discard; }""", "discard" },
        { """require "envelope"; if envelope :domain :is "to" "example.org" { discard; }""", "discard" },
        { """require ["envelope", "subaddress"]; if envelope :detail "to" "lists" { discard; }""", "discard" },
        { """require "envelope"; if envelope :is "to" "carol@example.net" { discard; }""", "keep" },
        { """if envelope :is "from" "alice@example.com" { discard; }""", "compile-error" },
        { """require "envelope"; if envelope :is "auth" "x" { discard; }""", "compile-error" },

        // allof / anyof / not.
        { """if allof (header :contains "subject" "invoice", address :domain "from" "example.com") { discard; }""", "discard" },
        { """if allof (header :contains "subject" "invoice", address :domain "from" "example.net") { discard; }""", "keep" },
        { """if anyof (false, header :contains "subject" "ACME") { discard; }""", "discard" },
        { """if anyof (false, not true) { discard; }""", "keep" },
        { """if not anyof (false, allof (true, not exists "X-None")) { discard; }""", "keep" },

        // redirect (§4.2), copy (RFC 3894).
        { """redirect "carol@example.net";""", "redirect:carol@example.net" },
        { """require "copy"; redirect :copy "carol@example.net";""", "redirect:carol@example.net; keep" },
        { """redirect "carol@example.net"; redirect "carol@example.net";""", "redirect:carol@example.net" },
        { """redirect "not an address";""", "compile-error" },
        { """redirect "a@x.test"; redirect "b@x.test"; redirect "c@x.test"; redirect "d@x.test"; redirect "e@x.test";""", "error" },

        // reject / ereject (RFC 5429).
        { """require "reject"; reject "go away";""", "reject:go away" },
        { """require "ereject"; ereject "no";""", "ereject:no" },
        { "require \"reject\"; reject text:\r\nline one\r\n..dot\r\n.\r\n;", "reject:line one\r\n.dot\r\n" },
        { """require ["reject", "fileinto"]; fileinto "A"; reject "x";""", "error" },
        { """require "reject"; reject "a"; reject "b";""", "error" },
        { """reject "x";""", "compile-error" },

        // imap4flags (RFC 5232).
        { """require ["imap4flags", "fileinto"]; addflag "\\Seen"; fileinto "A";""", "fileinto:A[\\Seen]" },
        { """require "imap4flags"; setflag "\\Flagged $Work"; keep;""", "keep[\\Flagged $Work]" },
        { """require "imap4flags"; addflag "a"; addflag ["b", "A"]; removeflag "a";""", "keep[b]" },
        { """require ["imap4flags", "fileinto"]; fileinto :flags "\\Seen" "A";""", "fileinto:A[\\Seen]" },
        { """require "imap4flags"; addflag "x"; if hasflag "x" { discard; }""", "discard" },
        { """require "imap4flags"; if hasflag "x" { discard; }""", "keep" },
        { """require ["imap4flags", "variables"]; set "f" "a b"; if hasflag "f" "b" { discard; }""", "discard" },
        { """require ["imap4flags", "variables"]; addflag "f" "c"; removeflag "f" "c"; if hasflag "f" "c" { discard; }""", "keep" },

        // variables (RFC 5229).
        { """require ["variables", "fileinto"]; set "box" "Work"; fileinto "${box}";""", "fileinto:Work" },
        { """require ["variables", "fileinto"]; set "BOX" "Work"; fileinto "${box}";""", "fileinto:Work" },
        { """require ["variables", "fileinto"]; if header :matches "subject" "Invoice * for *" { fileinto "Inv/${2}/${1}"; }""", "fileinto:Inv/ACME/2026-11" },
        { """require ["variables", "fileinto"]; if header :matches "subject" "*ACME" { fileinto "${0}"; }""", "fileinto:Invoice 2026-11 for ACME" },
        { """require ["variables", "fileinto"]; if header :matches "subject" "* *" { fileinto "${1}|${2}"; }""", "fileinto:Invoice|2026-11 for ACME" },
        { """require ["variables", "fileinto"]; if header :matches "subject" "I?voice*" { fileinto "${1}${2}"; }""", "fileinto:n 2026-11 for ACME" },
        { """require ["variables", "fileinto"]; set :upper "b" "work"; fileinto "${b}";""", "fileinto:WORK" },
        { """require ["variables", "fileinto"]; set :lower :upperfirst "b" "wORK"; fileinto "${b}";""", "fileinto:Work" },
        { """require ["variables", "fileinto"]; set :length "b" "abc"; fileinto "${b}";""", "fileinto:3" },
        { """require ["variables", "fileinto"]; set :quotewildcard "b" "a*b?"; fileinto "${b}";""", "fileinto:a\\*b\\?" },
        { """require ["variables", "fileinto"]; fileinto "X${nope}Y";""", "fileinto:XY" },
        { """require ["variables", "fileinto"]; fileinto "X${bad-name}Y";""", "fileinto:X${bad-name}Y" },
        { """require "fileinto"; fileinto "${x}";""", "fileinto:${x}" },
        { """require "variables"; set "a" "hello"; if string :is "${a}" "hello" { discard; }""", "discard" },
        { """require "variables"; if string :is "${a}" "" { discard; }""", "discard" },
        { """require ["variables", "relational", "comparator-i;ascii-numeric"]; if string :count "eq" :comparator "i;ascii-numeric" ["a", "", "b"] "2" { discard; }""", "discard" },
        { """require "variables"; set "1x" "a";""", "compile-error" },

        // relational (RFC 5231).
        { """require ["relational", "comparator-i;ascii-numeric"]; if header :value "gt" :comparator "i;ascii-numeric" "X-Priority" "2" { discard; }""", "discard" },
        { """require ["relational", "comparator-i;ascii-numeric"]; if header :value "lt" :comparator "i;ascii-numeric" "X-Priority" "2" { discard; }""", "keep" },
        { """require ["relational", "comparator-i;ascii-numeric"]; if address :count "ge" :comparator "i;ascii-numeric" ["to", "cc"] "3" { discard; }""", "discard" },
        { """require ["relational", "comparator-i;ascii-numeric"]; if address :count "gt" :comparator "i;ascii-numeric" ["to", "cc"] "3" { discard; }""", "keep" },
        { """require "relational"; if header :value "ge" "subject" "Invoice" { discard; }""", "discard" },
        { """require "relational"; if header :value "xx" "subject" "a" { discard; }""", "compile-error" },
        { """if header :value "gt" "subject" "a" { discard; }""", "compile-error" },

        // body (RFC 5173).
        { """require "body"; if body :contains "invoice attached" { discard; }""", "discard" },
        { """require "body"; if body :text :contains "TOTAL: 1200" { discard; }""", "discard" },
        { """require "body"; if body :raw :contains "Hello Bob" { discard; }""", "discard" },
        { """require "body"; if body :content "text" :contains "invoice" { discard; }""", "discard" },
        { """require "body"; if body :content "image" :contains "invoice" { discard; }""", "keep" },
        { """require "body"; if body :contains "Subject" { discard; }""", "keep" },
        { """if body :contains "x" { discard; }""", "compile-error" },

        // date / currentdate / index (RFC 5260).
        { """require "date"; if date :originalzone :is "date" "year" "2026" { discard; }""", "discard" },
        { """require "date"; if date :originalzone :is "date" "hour" "10" { discard; }""", "discard" },
        { """require "date"; if date :zone "+0000" :is "date" "hour" "09" { discard; }""", "discard" },
        { """require "date"; if date :originalzone :is "date" "weekday" "0" { discard; }""", "discard" },
        { """require "date"; if date :originalzone :is "date" "date" "2026-11-29" { discard; }""", "discard" },
        { """require "date"; if date :originalzone :is "date" "zone" "+0100" { discard; }""", "discard" },
        { """require "date"; if date :is "x-missing" "year" "2026" { discard; }""", "keep" },
        { """require "date"; if currentdate :zone "+0000" :is "year" "2026" { discard; }""", "discard" },
        { """require ["date", "relational"]; if currentdate :zone "+0000" :value "ge" "date" "2026-01-01" { discard; }""", "discard" },
        { """require ["date", "relational"]; if currentdate :zone "+0000" :value "lt" "date" "2026-01-01" { discard; }""", "keep" },
        { """require ["date", "index"]; if date :index 1 :originalzone "received" "year" "2026" { discard; }""", "discard" },
        { """require ["date", "index"]; if date :index 1 :last :originalzone "received" "year" "2025" { discard; }""", "discard" },
        { """require "index"; if header :index 2 :contains "received" "client" { discard; }""", "discard" },
        { """require "index"; if header :index 3 :contains "received" "client" { discard; }""", "keep" },
        { """require "date"; if date :is "date" "century" "21" { discard; }""", "compile-error" },

        // encoded-character (RFC 5228 §2.4.2.4).
        { """require ["encoded-character", "fileinto"]; fileinto "${hex:41 42}";""", "fileinto:AB" },
        { """require ["encoded-character", "fileinto"]; fileinto "x${unicode:263A}";""", "fileinto:x\u263A" },
        { """require ["encoded-character", "fileinto"]; fileinto "${hex:zz}";""", "fileinto:${hex:zz}" },
        { """require "fileinto"; fileinto "${hex:41}";""", "fileinto:${hex:41}" },
        { """require ["encoded-character", "fileinto"]; fileinto "${unicode:D800}";""", "compile-error" },

        // mailbox (RFC 5490).
        { """require ["fileinto", "mailbox"]; fileinto :create "New";""", "fileinto:New(create)" },
        { """require "mailbox"; if mailboxexists "Work" { discard; }""", "discard" },
        { """require "mailbox"; if mailboxexists ["Work", "Nope"] { discard; }""", "keep" },
        { """require "fileinto"; fileinto :create "New";""", "compile-error" },

        // spamtest / virustest (RFC 5235): score 1.2 of 5 is 2 on the 1..10 scale.
        { """require ["spamtest", "relational", "comparator-i;ascii-numeric"]; if spamtest :value "ge" :comparator "i;ascii-numeric" "5" { discard; }""", "keep" },
        { """require ["spamtest", "relational", "comparator-i;ascii-numeric"]; if spamtest :value "eq" :comparator "i;ascii-numeric" "2" { discard; }""", "discard" },
        { """require ["spamtestplus", "relational", "comparator-i;ascii-numeric"]; if spamtest :percent :value "eq" :comparator "i;ascii-numeric" "12" { discard; }""", "discard" },
        { """require "virustest"; if virustest :is "0" { discard; }""", "discard" },

        // vacation (RFC 5230, 6131).
        { """require "vacation"; vacation "I am away";""", "vacation; keep" },
        { """require "vacation"; vacation :days 3 :subject "Away" :addresses ["bob@example.org"] :handle "h" "I am away";""", "vacation; keep" },
        { """require "vacation-seconds"; vacation :seconds 60 "brb";""", "vacation; keep" },
        { """require "vacation"; vacation :seconds 60 "brb";""", "compile-error" },
        { """require "vacation"; vacation "a"; vacation "b";""", "error" },
        { """require "vacation"; vacation :days 1 :seconds 1 "a";""", "compile-error" },
        { """require ["vacation", "reject"]; vacation "a"; reject "b";""", "error" },

        // editheader (RFC 5293).
        { """require "editheader"; addheader "X-Sieve" "yes"; if header :is "X-Sieve" "yes" { discard; }""", "discard" },
        { """require "editheader"; deleteheader "List-Id"; if not exists "List-Id" { discard; }""", "discard" },
        { """require "editheader"; deleteheader "Received"; if exists "Received" { discard; }""", "discard" },
        { """require "editheader"; deleteheader :contains "to" "nobody"; if exists "To" { discard; }""", "discard" },
        { """require "editheader"; addheader "Bad Name" "x";""", "error" },

        // Errors a script checker must report (RFC 5804 CHECKSCRIPT quality).
        { "frobnicate;", "compile-error" },
        { "if frob { keep; }", "compile-error" },
        { "keep", "compile-error" },
        { "keep; \"unterminated", "compile-error" },
        { """keep; require "fileinto";""", "compile-error" },
        { "elsif true { keep; }", "compile-error" },
        { """if header :bogus "a" "b" { keep; }""", "compile-error" },
        { """if header :is :contains "a" "b" { keep; }""", "compile-error" },
        { """if size 100 { keep; }""", "compile-error" },
        { """if header :comparator "i;bogus" "a" "b" { keep; }""", "compile-error" },
        { """require "bogus-extension";""", "compile-error" },
        { """require "comparator-i;ascii-numeric"; if header :comparator "i;ascii-numeric" :contains "a" "1" { keep; }""", "compile-error" },
        { "if true keep;", "compile-error" },
        { "keep :copy;", "compile-error" },
        { "/* never closed", "compile-error" },
        { """if header "a" { keep; }""", "compile-error" },
        { "discard { keep; }", "compile-error" },
        { "if true;", "compile-error" },
        { "if (true) { keep; }", "compile-error" },
        { "if allof true { keep; }", "compile-error" },
        { "if not (true) { keep; }", "compile-error" },
        { """if header :contains "a" "b" "c" { keep; }""", "compile-error" },
        { "if size :over 99999999999999999999 { keep; }", "compile-error" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Script_gives_the_expected_actions(string script, string expected)
    {
        Assert.Equal(expected, await SieveRunner.RunAsync(script));
    }

    [Fact]
    public void The_table_has_at_least_150_rows()
    {
        Assert.True(Cases.Count() >= 150, $"{Cases.Count()} rows");
    }
}
