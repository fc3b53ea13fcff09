using MailKitServer.Imap.Structure;
using Xunit;

namespace MailKitServer.Imap.Tests.Structure;

/// <summary>
/// The ENVELOPE address parser (RFC 5322 §3.4, groups, obsolete routes and spacing of §4.4), pinned on lists that take
/// each of its paths: display names, quoted local parts quoted again, comments (one after a bare address is its name),
/// groups, routes, missing parts, and a comment left open after a backslash (once a read past the value's end). The
/// outputs are what the parser gave before it kept its tokens as ranges of the value (issue 24); a million random lists
/// gave the same addresses from both (a comparison run outside the suite).
/// </summary>
public sealed class AddressParserTests
{
    public static TheoryData<string, string> Lists() => new()
    {
        { "Alice Example <alice@example.org>", "(\"Alice Example\" NIL \"alice\" \"example.org\")" },
        { "\"Joe Q. Public\" <john.q.public@example.com>", "(\"Joe Q. Public\" NIL \"john.q.public\" \"example.com\")" },
        { "Mary Smith <mary@x.test>, jdoe@example.org", "(\"Mary Smith\" NIL \"mary\" \"x.test\") (NIL NIL \"jdoe\" \"example.org\")" },
        { "<boss@nil.test>, \"Giant; \\\"Big\\\" Box\" <sysservices@example.net>", "(NIL NIL \"boss\" \"nil.test\") (\"Giant; \\\"Big\\\" Box\" NIL \"sysservices\" \"example.net\")" },
        { "undisclosed-recipients:;", "(NIL NIL \"undisclosed-recipients\" NIL) (NIL NIL NIL NIL)" },
        { "Team: alice@example.test, \"Bob B\" <bob@example.test>;, carol@example.test", "(NIL NIL \"Team\" NIL) (NIL NIL \"alice\" \"example.test\") (\"Bob B\" NIL \"bob\" \"example.test\") (NIL NIL NIL NIL) (NIL NIL \"carol\" \"example.test\")" },
        { "(comment) <d@e.test> (another)", "(NIL NIL \"d\" \"e.test\")" },
        { "<@route.test,@other.test:rt@x.test>", "(NIL \"@route.test,@other.test\" \"rt\" \"x.test\")" },
        { "user@domain (Real Name)", "(\"Real Name\" NIL \"user\" \"domain\")" },
        { "\"a b\"@example.test", "(NIL NIL \"\\\"a b\\\"\" \"example.test\")" },
        { "\"a\\\\b\"@example.test, \"q\\\"t\"@example.test", "(NIL NIL \"\\\"a\\\\\\\\b\\\"\" \"example.test\") (NIL NIL \"\\\"q\\\\\\\"t\\\"\" \"example.test\")" },
        { "john . q . public @ example . com", "(NIL NIL \"john.q.public\" \"example.com\")" },
        { "Pete(A nice \\) chap) <pete(his account)@silly.test(his host)>", "(\"Pete\" NIL \"pete\" \"silly.test\")" },
        { "a@[192.168.0.1]", "(NIL NIL \"a\" \"[192.168.0.1]\")" },
        { "no-at-sign", "(NIL NIL \"no-at-sign\" \"MISSING_DOMAIN\")" },
        { "<>", "(NIL NIL \"MISSING_MAILBOX\" \"MISSING_DOMAIN\")" },
        { "@", "(NIL NIL \"MISSING_MAILBOX\" \"MISSING_DOMAIN\")" },
        { "Name <>", "(\"Name\" NIL \"MISSING_MAILBOX\" \"MISSING_DOMAIN\")" },
        { "x@y.test, , ,z@w.test", "(NIL NIL \"x\" \"y.test\") (NIL NIL \"z\" \"w.test\")" },
        { "Group:;, solo@x.test", "(NIL NIL \"Group\" NIL) (NIL NIL NIL NIL) (NIL NIL \"solo\" \"x.test\")" },
        { "=?utf-8?q?caf=C3=A9?= <c@x.test>", "(\"=?utf-8?q?caf=C3=A9?=\" NIL \"c\" \"x.test\")" },
        { "Jörg <j@x.test>", "(\"Jörg\" NIL \"j\" \"x.test\")" },
        { "Dr. Who <who@tardis.test>", "(\"Dr.Who\" NIL \"who\" \"tardis.test\")" },
        { "A:B:c@d.test;", "(NIL NIL \"A\" NIL) (NIL NIL \"B\" \"MISSING_DOMAIN\") (NIL NIL NIL NIL)" },
        { "\"@\"@x.test", "(NIL NIL \"\\\"@\\\"\" \"x.test\")" },
        { "Alice <alice@example.test> (\\", "(\"Alice\" NIL \"alice\" \"example.test\")" },
        { "bob@example.test (Bob\\", "(\"Bob\\\\\" NIL \"bob\" \"example.test\")" },
        { "<a@b.test", "(NIL NIL \"a\" \"b.test\")" },
        { "\"unterminated@x.test", "(NIL NIL \"\\\"unterminated@x.test\\\"\" \"MISSING_DOMAIN\")" },
        { "a@b.test;c@d.test", "(NIL NIL \"a\" \"b.test\") (NIL NIL \"c\" \"d.test\")" },
    };

    [Theory]
    [MemberData(nameof(Lists))]
    public void Parses_as_pinned(string value, string expected)
    {
        var parsed = AddressParser.Parse(value);
        Assert.Equal(expected, string.Join(" ", parsed.Select(a => $"({Q(a.Name)} {Q(a.Route)} {Q(a.Mailbox)} {Q(a.Host)})")));

        // Parsing again on the same thread (its kept token list and builder) gives the same.
        Assert.Equal(parsed, AddressParser.Parse(value));
    }

    private static string Q(string? v) => v is null ? "NIL" : "\"" + v.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
