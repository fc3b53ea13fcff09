namespace MailKitServer.Smtp.Outbound.TlsRpt;

/// <summary>A policy domain's TLSRPT record (RFC 8460 §3): the TXT record at <c>_smtp._tls.DOMAIN</c>.</summary>
/// <param name="Rua">Where reports go: <c>mailto:</c> and <c>https:</c> URIs, in the record's order.</param>
internal sealed record TlsRptRecord(IReadOnlyList<string> Rua)
{
    /// <summary>The most report addresses taken from one record (a bound on the mail one record can make us send).</summary>
    public const int MaxRua = 5;

    /// <summary>
    /// Parses a TXT record's text: <c>v=TLSRPTv1</c> first (RFC 8460 §3), then <c>;</c>-separated <c>key=value</c>
    /// fields; <c>rua</c> is required, a comma-separated list of URIs. Unknown fields are ignored (§3).
    /// </summary>
    /// <param name="text">The TXT record's strings joined.</param>
    /// <param name="record">The parsed record; not to be used when the text is not one.</param>
    /// <returns>Whether the text is a TLSRPT record with at least one usable URI.</returns>
    public static bool TryParse(string text, out TlsRptRecord record)
    {
        record = null!;
        var fields = text.Split(';').Select(f => f.Trim(' ', '\t')).Where(f => f.Length > 0).ToList();
        if (fields.Count == 0 || fields[0] != "v=TLSRPTv1")
        {
            return false;
        }

        var rua = new List<string>();
        foreach (var field in fields.Skip(1))
        {
            var equals = field.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || field[..equals].Trim() != "rua")
            {
                continue;
            }

            foreach (var item in field[(equals + 1)..].Split(','))
            {
                // §3: a URI is "mailto:" (RFC 6068) or "https:"; anything else is ignored.
                var uri = item.Trim(' ', '\t');
                if (rua.Count < MaxRua && (MailtoAddress(uri) is not null || uri.StartsWith("https://", StringComparison.OrdinalIgnoreCase)))
                {
                    rua.Add(uri);
                }
            }
        }

        if (rua.Count == 0)
        {
            return false;
        }

        record = new TlsRptRecord(rua);
        return true;
    }

    /// <summary>The address of a <c>mailto:</c> URI (RFC 6068: percent-encoded, any <c>?</c> query dropped), or null.</summary>
    public static string? MailtoAddress(string uri)
    {
        if (!uri.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var address = Uri.UnescapeDataString(uri[7..].Split('?')[0]);
        return MailKitServer.Addresses.MailAddress.TryParse(address, allowUtf8: true, out var parsed) ? parsed.Address : null;
    }

    /// <summary>Picks the one TLSRPT record among a name's TXT records; none, or more than one, is no record (RFC 8460 §3).</summary>
    public static TlsRptRecord? Select(IEnumerable<string> texts)
    {
        var found = texts.Where(t => t.TrimStart().StartsWith("v=TLSRPTv1", StringComparison.Ordinal)).Take(2).ToList();
        return found.Count == 1 && TryParse(found[0], out var record) ? record : null;
    }
}
