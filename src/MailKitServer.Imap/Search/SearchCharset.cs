namespace MailKitServer.Imap.Search;

/// <summary>The charsets search strings may be given in (RFC 9051 §6.4.4; RFC 5256 §3 for SORT and THREAD).</summary>
internal static class SearchCharset
{
    /// <summary>The BADCHARSET response code listing them (RFC 9051 §7.1).</summary>
    public const string BadCharset = "[BADCHARSET (UTF-8 US-ASCII)] Unsupported charset";

    /// <summary>Whether the charset is one the server searches in: US-ASCII and UTF-8, which every server MUST take.</summary>
    /// <param name="charset">The charset name.</param>
    /// <returns><see langword="true"/> when supported.</returns>
    public static bool IsSupported(string charset) =>
        charset.Equals("UTF-8", StringComparison.OrdinalIgnoreCase) || charset.Equals("US-ASCII", StringComparison.OrdinalIgnoreCase);
}
