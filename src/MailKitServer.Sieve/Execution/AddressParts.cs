namespace MailKitServer.Sieve.Execution;

/// <summary>The address parts of RFC 5228 §2.7.4 and RFC 5233 (subaddress, separator "+").</summary>
internal static class AddressParts
{
    /// <summary>The separator between user and detail (RFC 5233 §1: implementation-defined; "+" as most servers use).</summary>
    public const char Separator = '+';

    /// <summary>The part of <paramref name="address"/> a test compares, or <see langword="null"/> when it has none.</summary>
    /// <param name="address">The address (local@domain, or empty for the null reverse-path).</param>
    /// <param name="part">"all", "localpart", "domain", "user" or "detail".</param>
    /// <returns>The part.</returns>
    public static string? Get(string address, string part)
    {
        var at = address.LastIndexOf('@');
        var local = at < 0 ? address : address[..at];
        switch (part)
        {
            case "localpart":
                return local;
            case "domain":
                return at < 0 ? (address.Length == 0 ? string.Empty : null) : address[(at + 1)..];
            case "user":
                var plus = local.IndexOf(Separator);
                return plus < 0 ? local : local[..plus];
            case "detail":
                // RFC 5233 §4: no separator, no detail: the test does not match.
                var sep = local.IndexOf(Separator);
                return sep < 0 ? null : local[(sep + 1)..];
            default:
                return address;
        }
    }
}
