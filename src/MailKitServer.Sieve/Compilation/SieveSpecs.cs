namespace MailKitServer.Sieve.Compilation;

/// <summary>The signatures of every command and test this interpreter knows (RFC 5228 and the extensions).</summary>
internal static class SieveSpecs
{
    private static readonly TagSpec[] Comparator = [new("comparator", ArgumentKind.String, null, "comparator")];

    private static readonly TagSpec[] Match =
    [
        new("is", Group: "match"), new("contains", Group: "match"), new("matches", Group: "match"),
        new("value", ArgumentKind.String, "relational", "match"), new("count", ArgumentKind.String, "relational", "match"),
    ];

    private static readonly TagSpec[] AddressPart =
    [
        new("all", Group: "address"), new("localpart", Group: "address"), new("domain", Group: "address"),
        new("user", ArgumentKind.None, "subaddress", "address"), new("detail", ArgumentKind.None, "subaddress", "address"),
    ];

    private static readonly TagSpec[] Index = [new("index", ArgumentKind.Number, "index", "index"), new("last", ArgumentKind.None, "index")];

    private static readonly ArgumentKind S = ArgumentKind.String;
    private static readonly ArgumentKind L = ArgumentKind.StringList;

    /// <summary>The commands (actions and controls).</summary>
    public static readonly IReadOnlyDictionary<string, CommandSpec> Commands = new Dictionary<string, CommandSpec>(StringComparer.Ordinal)
    {
        ["require"] = new(null, [], [L]),
        ["if"] = new(null, [], [], Tests: 1, Block: true),
        ["elsif"] = new(null, [], [], Tests: 1, Block: true),
        ["else"] = new(null, [], [], Block: true),
        ["stop"] = new(null, [], []),
        ["keep"] = new(null, [new("flags", L, "imap4flags")], []),
        ["discard"] = new(null, [], []),
        ["fileinto"] = new("fileinto", [new("copy", Capability: "copy"), new("create", Capability: "mailbox"), new("flags", L, "imap4flags")], [S]),
        ["redirect"] = new(null, [new("copy", Capability: "copy")], [S]),
        ["reject"] = new("reject", [], [S]),
        ["ereject"] = new("ereject", [], [S]),
        ["setflag"] = new("imap4flags", [], [S, L], OptionalLeading: 1),
        ["addflag"] = new("imap4flags", [], [S, L], OptionalLeading: 1),
        ["removeflag"] = new("imap4flags", [], [S, L], OptionalLeading: 1),
        ["set"] = new("variables", [new("lower", Group: "case"), new("upper", Group: "case"), new("lowerfirst", Group: "first"), new("upperfirst", Group: "first"), new("quotewildcard"), new("length")], [S, S]),
        ["vacation"] = new("vacation", [new("days", ArgumentKind.Number, null, "period"), new("seconds", ArgumentKind.Number, "vacation-seconds", "period"), new("subject", S), new("from", S), new("addresses", L), new("mime"), new("handle", S)], [S]),
        ["include"] = new("include", [new("personal", Group: "location"), new("global", Group: "location"), new("once"), new("optional")], [S]),
        ["return"] = new("include", [], []),
        ["global"] = new("include", [], [L]),
        ["addheader"] = new("editheader", [new("last")], [S, S]),
        ["deleteheader"] = new("editheader", [.. Index, .. Comparator, .. Match], [S, L], OptionalTrailing: 1),
    };

    /// <summary>The tests.</summary>
    public static readonly IReadOnlyDictionary<string, CommandSpec> Tests = new Dictionary<string, CommandSpec>(StringComparer.Ordinal)
    {
        ["address"] = new(null, [.. Comparator, .. AddressPart, .. Match, .. Index], [L, L]),
        ["allof"] = new(null, [], [], Tests: -1),
        ["anyof"] = new(null, [], [], Tests: -1),
        ["envelope"] = new("envelope", [.. Comparator, .. AddressPart, .. Match], [L, L]),
        ["exists"] = new(null, [], [L]),
        ["false"] = new(null, [], []),
        ["true"] = new(null, [], []),
        ["header"] = new(null, [.. Comparator, .. Match, .. Index], [L, L]),
        ["not"] = new(null, [], [], Tests: 1),
        ["size"] = new(null, [new("over", Group: "size"), new("under", Group: "size")], [ArgumentKind.Number]),
        ["body"] = new("body", [.. Comparator, .. Match, new("raw", Group: "transform"), new("content", L, null, "transform"), new("text", Group: "transform")], [L]),
        ["date"] = new("date", [new("zone", S, null, "zone"), new("originalzone", Group: "zone"), .. Comparator, .. Match, .. Index], [S, S, L]),
        ["currentdate"] = new("date", [new("zone", S, null, "zone"), .. Comparator, .. Match], [S, L]),
        ["string"] = new("variables", [.. Comparator, .. Match], [L, L]),
        ["hasflag"] = new("imap4flags", [.. Comparator, .. Match], [L, L], OptionalLeading: 1),
        ["mailboxexists"] = new("mailbox", [], [L]),
        ["spamtest"] = new("spamtest", [new("percent", Capability: "spamtestplus"), .. Comparator, .. Match], [S]),
        ["virustest"] = new("virustest", [.. Comparator, .. Match], [S]),
    };
}
