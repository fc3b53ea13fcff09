namespace MailKitServer.Sieve.Compilation;

/// <summary>The extensions this interpreter implements, as <c>require</c> names them and ManageSieve announces them.</summary>
internal static class SieveCapabilities
{
    /// <summary>Every extension, in the order ManageSieve's SIEVE capability lists them.</summary>
    public static readonly IReadOnlyList<string> All =
    [
        "fileinto", "reject", "ereject", "envelope", "encoded-character", "imap4flags", "body", "variables",
        "vacation", "vacation-seconds", "relational", "subaddress", "copy", "include", "date", "index",
        "editheader", "mailbox", "spamtest", "spamtestplus", "virustest",
        "comparator-i;octet", "comparator-i;ascii-casemap", "comparator-i;ascii-numeric",
    ];

    private static readonly HashSet<string> Known = new(All, StringComparer.Ordinal);

    /// <summary>Whether <paramref name="name"/> is implemented.</summary>
    /// <param name="name">The extension name.</param>
    /// <returns>Whether it is.</returns>
    public static bool IsKnown(string name) => Known.Contains(name);
}
