namespace MailKitServer.Smtp.Parsing;

/// <summary>Walks the space-separated ESMTP parameters of MAIL or RCPT (RFC 5321 §4.1.2 <c>esmtp-param</c>).</summary>
internal ref struct EsmtpParameterReader
{
    private readonly ReadOnlySpan<byte> _text;
    private int _position;

    /// <summary>Starts reading a parameter list.</summary>
    /// <param name="text">The parameters.</param>
    public EsmtpParameterReader(ReadOnlySpan<byte> text)
    {
        _text = text;
        _position = 0;
    }

    /// <summary>Reads the next parameter.</summary>
    /// <param name="parameter">The parameter, with ranges into the list.</param>
    /// <param name="valid">Whether its syntax is valid (<c>esmtp-keyword</c> is alphanumeric and dashes, the value printable ASCII without <c>=</c> or space, or UTF-8).</param>
    /// <returns><see langword="false"/> at the end.</returns>
    public bool TryRead(out EsmtpParameter parameter, out bool valid)
    {
        while (_position < _text.Length && _text[_position] == (byte)' ')
        {
            _position++;
        }

        parameter = default;
        valid = true;
        if (_position >= _text.Length)
        {
            return false;
        }

        var start = _position;
        var end = _text[start..].IndexOf((byte)' ');
        end = end < 0 ? _text.Length : start + end;
        _position = end;
        var token = _text[start..end];
        var eq = token.IndexOf((byte)'=');
        var keyword = eq < 0 ? token : token[..eq];
        if (keyword.IsEmpty || !char.IsAsciiLetterOrDigit((char)keyword[0]))
        {
            valid = false;
        }

        foreach (var b in keyword)
        {
            if (!char.IsAsciiLetterOrDigit((char)b) && b != (byte)'-')
            {
                valid = false;
            }
        }

        if (eq >= 0)
        {
            foreach (var b in token[(eq + 1)..])
            {
                if (b < 33 || b == (byte)'=' || b == 127)
                {
                    valid = false;
                }
            }

            parameter = new EsmtpParameter(start..(start + eq), (start + eq + 1)..end, true);
        }
        else
        {
            parameter = new EsmtpParameter(start..end, end..end, false);
        }

        return true;
    }
}
