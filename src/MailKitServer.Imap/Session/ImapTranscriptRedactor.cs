using MailKitServer.Diagnostics;

namespace MailKitServer.Imap.Session;

/// <summary>
/// Finds where a client line must be redacted in the IMAP transcript, by argument position whatever form the
/// arguments take (atom, quoted string, literal, literal+), across the lines of a command that literals split: the
/// password of LOGIN (its second argument) and the initial response of AUTHENTICATE (its second argument; later SASL
/// lines are never logged). Literal octets never reach the transcript; a continuation line after a literal goes on
/// counting arguments where the literal left off.
/// </summary>
internal sealed class ImapTranscriptRedactor : ITranscriptRedactor
{
    private const int SecretArgument = 1;

    // The index of the next argument when the next line continues a command after a literal; -1 when it starts one.
    private int _argument = -1;
    private bool _sensitive;

    /// <summary>Forgets the command in progress (the reader has finished with it, read whole or refused).</summary>
    public void Reset() => _argument = -1;

    /// <summary>Returns the offset from which the line is redacted, or -1 to log it whole.</summary>
    public int Redact(ReadOnlyMemory<byte> memory)
    {
        var line = memory.Span;
        var pos = 0;
        if (_argument < 0)
        {
            // tag SP command: only LOGIN and AUTHENTICATE carry secrets.
            pos = SkipAtom(line, SkipSpaces(line, 0));
            var start = SkipSpaces(line, pos);
            pos = SkipAtom(line, start);
            var command = line[start..pos];
            _sensitive = System.Text.Ascii.EqualsIgnoreCase(command, "LOGIN"u8) || System.Text.Ascii.EqualsIgnoreCase(command, "AUTHENTICATE"u8);
            _argument = 0;
        }

        while (true)
        {
            pos = SkipSpaces(line, pos);
            if (pos >= line.Length)
            {
                // The command ends with this line.
                _argument = -1;
                return -1;
            }

            if (_sensitive && _argument >= SecretArgument)
            {
                return pos;
            }

            var start = pos;
            switch (line[pos])
            {
                case (byte)'"':
                    pos = SkipQuoted(line, pos);
                    if (pos < 0)
                    {
                        // An unterminated string: where the arguments are is no longer known, so hide the rest.
                        return _sensitive ? start : Done();
                    }

                    break;
                case (byte)'(':
                    pos = SkipList(line, pos);
                    break;
                case (byte)'{' or (byte)'~' when IsLiteralMarker(line[pos..]):
                    // A literal announced at the end of the line: its octets are this argument (and never logged); the
                    // next line goes on with the argument after it.
                    _argument++;
                    return -1;
                default:
                    pos = SkipAtom(line, pos);
                    break;
            }

            _argument++;
        }
    }

    /// <summary>Whether the rest of the line is exactly <c>{n}</c>, <c>{n+}</c> or <c>~{n}</c> (RFC 3501 §4.3, RFC 7888, RFC 3516).</summary>
    private static bool IsLiteralMarker(ReadOnlySpan<byte> rest)
    {
        if (rest.StartsWith("~"u8))
        {
            rest = rest[1..];
        }

        if (rest.Length < 3 || rest[0] != (byte)'{' || rest[^1] != (byte)'}')
        {
            return false;
        }

        var digits = rest[1..^1];
        if (digits.EndsWith("+"u8))
        {
            digits = digits[..^1];
        }

        return !digits.IsEmpty && !digits.ContainsAnyExceptInRange((byte)'0', (byte)'9');
    }

    private int Done()
    {
        _argument = -1;
        return -1;
    }

    private static int SkipSpaces(ReadOnlySpan<byte> line, int pos)
    {
        while (pos < line.Length && line[pos] == (byte)' ')
        {
            pos++;
        }

        return pos;
    }

    private static int SkipAtom(ReadOnlySpan<byte> line, int pos)
    {
        var space = line[pos..].IndexOf((byte)' ');
        return space < 0 ? line.Length : pos + space;
    }

    /// <summary>Skips a quoted string (RFC 3501 §4.3, with backslash escapes); -1 when it does not end on this line.</summary>
    private static int SkipQuoted(ReadOnlySpan<byte> line, int pos)
    {
        for (var i = pos + 1; i < line.Length; i++)
        {
            if (line[i] == (byte)'\\')
            {
                i++;
            }
            else if (line[i] == (byte)'"')
            {
                return i + 1;
            }
        }

        return -1;
    }

    /// <summary>Skips a parenthesized list (flags, say) to its closing parenthesis, or to the end of the line.</summary>
    private static int SkipList(ReadOnlySpan<byte> line, int pos)
    {
        var depth = 0;
        for (var i = pos; i < line.Length; i++)
        {
            if (line[i] == (byte)'"')
            {
                var end = SkipQuoted(line, i);
                if (end < 0)
                {
                    return line.Length;
                }

                i = end - 1;
            }
            else if (line[i] == (byte)'(')
            {
                depth++;
            }
            else if (line[i] == (byte)')' && --depth == 0)
            {
                return i + 1;
            }
        }

        return line.Length;
    }
}
