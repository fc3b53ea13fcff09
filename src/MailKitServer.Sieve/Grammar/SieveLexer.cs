using System.Text;

namespace MailKitServer.Sieve.Grammar;

/// <summary>
/// Splits a script into RFC 5228 §8.1 tokens: comments (<c>#</c> and <c>/* */</c>), identifiers, tags, numbers with
/// K/M/G quantifiers, quoted strings with their two escapes, and <c>text:</c> multi-line strings with dot-stuffing.
/// Bare LF is taken for CRLF. Works on a script already bounded in size.
/// </summary>
internal sealed class SieveLexer
{
    private readonly string _text;
    private int _pos;
    private int _line = 1;

    /// <summary>Creates a lexer over a whole script.</summary>
    /// <param name="text">The script.</param>
    public SieveLexer(string text) => _text = text;

    /// <summary>Reads the next token.</summary>
    /// <returns>The token; <see cref="SieveTokenKind.End"/> at the end.</returns>
    /// <exception cref="SieveSyntaxException">The script has a lexical error.</exception>
    public SieveToken Next()
    {
        SkipWhitespaceAndComments();
        if (_pos >= _text.Length)
        {
            return new SieveToken(SieveTokenKind.End, string.Empty, 0, _line);
        }

        var c = _text[_pos];
        var line = _line;
        if (c is '[' or ']' or '(' or ')' or '{' or '}' or ',' or ';')
        {
            _pos++;
            return new SieveToken(SieveTokenKind.Special, c.ToString(), 0, line);
        }

        if (c == '"')
        {
            return new SieveToken(SieveTokenKind.String, ReadQuoted(), 0, line);
        }

        if (c == ':')
        {
            _pos++;
            if (_pos >= _text.Length || !IsIdentifierStart(_text[_pos]))
            {
                throw new SieveSyntaxException(line, "a tag needs a name after ':'");
            }

            return new SieveToken(SieveTokenKind.Tag, ReadIdentifier(), 0, line);
        }

        if (char.IsAsciiDigit(c))
        {
            return new SieveToken(SieveTokenKind.Number, string.Empty, ReadNumber(), line);
        }

        if (IsIdentifierStart(c))
        {
            var identifier = ReadIdentifier();
            if (identifier == "text" && _pos < _text.Length && _text[_pos] == ':')
            {
                _pos++;
                return new SieveToken(SieveTokenKind.String, ReadMultiLine(line), 0, line);
            }

            return new SieveToken(SieveTokenKind.Identifier, identifier, 0, line);
        }

        throw new SieveSyntaxException(line, $"unexpected character '{(char.IsControl(c) ? $"\\x{(int)c:X2}" : c.ToString())}'");
    }

    private static bool IsIdentifierStart(char c) => char.IsAsciiLetter(c) || c == '_';

    private void SkipWhitespaceAndComments()
    {
        while (_pos < _text.Length)
        {
            var c = _text[_pos];
            if (c == '\n')
            {
                _line++;
                _pos++;
            }
            else if (c is ' ' or '\t' or '\r')
            {
                _pos++;
            }
            else if (c == '#')
            {
                while (_pos < _text.Length && _text[_pos] != '\n')
                {
                    _pos++;
                }
            }
            else if (c == '/' && _pos + 1 < _text.Length && _text[_pos + 1] == '*')
            {
                var start = _line;
                var end = _text.IndexOf("*/", _pos + 2, StringComparison.Ordinal);
                if (end < 0)
                {
                    throw new SieveSyntaxException(start, "unterminated /* comment");
                }

                _line += CountLines(_pos, end);
                _pos = end + 2;
            }
            else
            {
                return;
            }
        }
    }

    private int CountLines(int from, int to)
    {
        var n = 0;
        for (var i = from; i < to; i++)
        {
            if (_text[i] == '\n')
            {
                n++;
            }
        }

        return n;
    }

    private string ReadIdentifier()
    {
        var start = _pos;
        while (_pos < _text.Length && (char.IsAsciiLetterOrDigit(_text[_pos]) || _text[_pos] == '_'))
        {
            _pos++;
        }

        return _text[start.._pos].ToLowerInvariant();
    }

    private long ReadNumber()
    {
        var line = _line;
        long value = 0;
        while (_pos < _text.Length && char.IsAsciiDigit(_text[_pos]))
        {
            value = checked(value * 10) + (_text[_pos] - '0');
            if (value > int.MaxValue * 1024L * 1024)
            {
                throw new SieveSyntaxException(line, "number too large");
            }

            _pos++;
        }

        if (_pos < _text.Length)
        {
            // RFC 5228 §2.4.1: QUANTIFIER = "K" / "M" / "G", case-insensitive.
            var shift = char.ToUpperInvariant(_text[_pos]) switch { 'K' => 10, 'M' => 20, 'G' => 30, _ => 0 };
            if (shift > 0)
            {
                _pos++;
                if (value > (long.MaxValue >> shift))
                {
                    throw new SieveSyntaxException(line, "number too large");
                }

                value <<= shift;
            }
        }

        if (_pos < _text.Length && (char.IsAsciiLetter(_text[_pos]) || _text[_pos] == '_'))
        {
            throw new SieveSyntaxException(line, "a number runs into a name");
        }

        return value;
    }

    private string ReadQuoted()
    {
        var line = _line;
        _pos++;
        var sb = new StringBuilder();
        while (true)
        {
            if (_pos >= _text.Length)
            {
                throw new SieveSyntaxException(line, "unterminated string");
            }

            var c = _text[_pos++];
            if (c == '"')
            {
                return sb.ToString();
            }

            if (c == '\\')
            {
                if (_pos >= _text.Length)
                {
                    throw new SieveSyntaxException(line, "unterminated string");
                }

                // RFC 5228 §2.4.2: "\\" and "\"" are the escapes; any other backslash is dropped.
                c = _text[_pos++];
            }

            if (c == '\n')
            {
                _line++;
            }

            sb.Append(c);
        }
    }

    private string ReadMultiLine(int line)
    {
        // RFC 5228 §8.1: "text:" *(SP / HTAB) (hash-comment / CRLF) *(multiline-literal / multiline-dotstart) "." CRLF
        while (_pos < _text.Length && _text[_pos] is ' ' or '\t')
        {
            _pos++;
        }

        if (_pos < _text.Length && _text[_pos] == '#')
        {
            while (_pos < _text.Length && _text[_pos] != '\n')
            {
                _pos++;
            }
        }
        else if (_pos < _text.Length && _text[_pos] == '\r')
        {
            _pos++;
        }

        if (_pos >= _text.Length || _text[_pos] != '\n')
        {
            throw new SieveSyntaxException(_line, "text: must be followed by the end of the line");
        }

        _pos++;
        _line++;
        var sb = new StringBuilder();
        while (true)
        {
            if (_pos >= _text.Length)
            {
                throw new SieveSyntaxException(line, "unterminated text: string (a line with a single '.' ends it)");
            }

            var end = _text.IndexOf('\n', _pos);
            var next = end < 0 ? _text.Length : end + 1;
            var content = _text.AsSpan(_pos, (end < 0 ? _text.Length : end) - _pos);
            if (content.EndsWith("\r"))
            {
                content = content[..^1];
            }

            _pos = next;
            if (end >= 0)
            {
                _line++;
            }

            if (content.SequenceEqual("."))
            {
                if (end < 0)
                {
                    throw new SieveSyntaxException(line, "the '.' ending a text: string needs a line break");
                }

                return sb.ToString();
            }

            if (end < 0)
            {
                throw new SieveSyntaxException(line, "unterminated text: string (a line with a single '.' ends it)");
            }

            // Dot-stuffing: a line starting with ".." stands for one starting with ".".
            sb.Append(content.StartsWith("..") ? content[1..] : content).Append("\r\n");
        }
    }
}
