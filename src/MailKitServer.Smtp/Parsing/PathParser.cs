namespace MailKitServer.Smtp.Parsing;

/// <summary>Parses <c>FROM:&lt;path&gt; params</c> and <c>TO:&lt;path&gt; params</c> (RFC 5321 §4.1.1.2, §4.1.1.3) without allocating.</summary>
internal static class PathParser
{
    /// <summary>Parses the argument of MAIL or RCPT.</summary>
    /// <param name="argument">The argument, such as <c>FROM:&lt;a@b&gt; SIZE=10</c>.</param>
    /// <param name="keyword">The keyword with its colon: <c>FROM:</c> or <c>TO:</c>.</param>
    /// <param name="result">The address and parameter ranges.</param>
    /// <returns><see langword="true"/> when the syntax is valid.</returns>
    public static bool TryParse(ReadOnlySpan<byte> argument, ReadOnlySpan<byte> keyword, out PathArgument result)
    {
        result = default;
        if (argument.Length < keyword.Length || !System.Text.Ascii.EqualsIgnoreCase(argument[..keyword.Length], keyword))
        {
            return false;
        }

        var i = keyword.Length;

        // RFC 5321 allows no space after the colon; many clients send one, so it is tolerated.
        while (i < argument.Length && argument[i] == (byte)' ')
        {
            i++;
        }

        if (i >= argument.Length || argument[i] != (byte)'<')
        {
            return false;
        }

        var open = ++i;
        var inQuotes = false;
        for (; i < argument.Length; i++)
        {
            var c = argument[i];
            if (c == (byte)'\\' && inQuotes)
            {
                i++;
            }
            else if (c == (byte)'"')
            {
                inQuotes = !inQuotes;
            }
            else if (c == (byte)'>' && !inQuotes)
            {
                break;
            }
            else if (c < 32 || c == 127)
            {
                return false;
            }
        }

        if (i >= argument.Length)
        {
            return false;
        }

        var addressStart = open;
        var addressEnd = i;

        // RFC 5321 §4.1.2 / §C: a source route "@a,@b:" is accepted and ignored.
        if (addressEnd > addressStart && argument[addressStart] == (byte)'@')
        {
            var colon = argument[addressStart..addressEnd].IndexOf((byte)':');
            if (colon < 0)
            {
                return false;
            }

            addressStart += colon + 1;
        }

        var parameters = i + 1;
        if (parameters < argument.Length && argument[parameters] != (byte)' ')
        {
            return false;
        }

        while (parameters < argument.Length && argument[parameters] == (byte)' ')
        {
            parameters++;
        }

        result = new PathArgument(addressStart..addressEnd, parameters..argument.Length);
        return true;
    }
}
