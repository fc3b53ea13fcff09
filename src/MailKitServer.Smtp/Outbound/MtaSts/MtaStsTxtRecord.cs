namespace MailKitServer.Smtp.Outbound.MtaSts;

/// <summary>The <c>_mta-sts</c> TXT record of a domain (RFC 8461 §3.1): says a policy exists and names its version.</summary>
internal static class MtaStsTxtRecord
{
    /// <summary>
    /// Finds the policy id among a name's TXT records: those not starting with <c>v=STSv1;</c> are ignored, and unless
    /// exactly one remains and its <c>id</c> is 1 to 32 letters and digits, the domain has no policy.
    /// </summary>
    /// <param name="records">The TXT strings (each record's character-strings joined).</param>
    /// <returns>The id, or <see langword="null"/>.</returns>
    public static string? FindId(IEnumerable<string> records)
    {
        var sts = records.Where(r => r.StartsWith("v=STSv1;", StringComparison.Ordinal)).Take(2).ToList();
        if (sts.Count != 1)
        {
            return null;
        }

        string? id = null;
        foreach (var field in sts[0].Split(';'))
        {
            var eq = field.IndexOf('=', StringComparison.Ordinal);
            if (eq < 0)
            {
                if (field.Trim(' ', '\t').Length > 0)
                {
                    return null;
                }

                continue;
            }

            var name = field[..eq].Trim(' ', '\t');
            var value = field[(eq + 1)..].Trim(' ', '\t');
            if (name == "id")
            {
                if (id is not null || value.Length is 0 or > 32 || !value.All(char.IsAsciiLetterOrDigit))
                {
                    return null;
                }

                id = value;
            }
        }

        return id;
    }
}
