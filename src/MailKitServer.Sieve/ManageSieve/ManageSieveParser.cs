using System.Buffers;
using System.Globalization;
using System.Text;

namespace MailKitServer.Sieve.ManageSieve;

/// <summary>
/// Reads ManageSieve commands (RFC 5804 §4) from buffered input: an atom verb, then quoted strings (with <c>\\</c>
/// and <c>\"</c>), literals (<c>{N+}</c> or <c>{N}</c> CRLF and N octets) and atoms, ending in CRLF. Nothing is
/// consumed until a whole command is there, so input split anywhere gives the same commands. Bounded: a line
/// outside literals is at most <see cref="MaxLineLength"/> octets and a literal at most the size the caller allows.
/// </summary>
internal static class ManageSieveParser
{
    /// <summary>The longest stretch of a command outside literals.</summary>
    public const int MaxLineLength = 8 * 1024;

    /// <summary>The most arguments a command may have.</summary>
    public const int MaxArguments = 8;

    private static readonly UTF8Encoding StrictUtf8 = new(false, throwOnInvalidBytes: true);

    /// <summary>Tries to read one command.</summary>
    /// <param name="reader">The buffered input; advanced past what was read when the result is not NeedMoreData.</param>
    /// <param name="maxLiteral">The largest literal accepted.</param>
    /// <param name="response">Whether to read a SASL response line (one string, no verb; RFC 5804 §2.1) instead of a command.</param>
    /// <param name="command">The command, for <see cref="ManageSieveParseResult.Command"/>.</param>
    /// <param name="error">What is wrong, for a syntax error.</param>
    /// <param name="literalSize">For <see cref="ManageSieveParseResult.LiteralTooLarge"/>: the octets to drain (the reader is past the literal's header).</param>
    /// <returns>The outcome.</returns>
    public static ManageSieveParseResult TryParse(ref SequenceReader<byte> reader, long maxLiteral, bool response, out ManageSieveCommand? command, out string? error, out long literalSize)
    {
        command = null;
        error = null;
        literalSize = 0;
        var start = reader;
        var arguments = new List<string>();

        // Where the current stretch outside literals began: it must end within MaxLineLength.
        var segment = start;

        // The verb: an atom (none for a SASL response, which is one string).
        var verb = response ? string.Empty : ReadAtom(ref reader);
        if (verb.Length == 0 && !response)
        {
            return Fail(ref reader, start, "expected a command", out error);
        }

        for (var argumentNext = response; ; argumentNext = false)
        {
            if (!argumentNext)
            {
                switch (ReadSeparator(ref reader, response, out var problem))
                {
                    case Separator.NeedMore:
                        return NeedMore(ref reader, start, segment);
                    case Separator.Invalid:
                        return Fail(ref reader, start, problem!, out error);
                    case Separator.LineEnd:
                        command = new ManageSieveCommand(verb.ToUpperInvariant(), arguments);
                        return ManageSieveParseResult.Command;
                }
            }

            if (arguments.Count == MaxArguments)
            {
                return Fail(ref reader, start, "too many arguments", out error);
            }

            var literal = reader.TryPeek(out var first) && first == '{';
            switch (ReadArgument(ref reader, maxLiteral, out var argument, out var invalid, out var size))
            {
                case ManageSieveParseResult.NeedMoreData when literal && size > 0:
                    // The literal's header is whole but its octets are not all here: wait without the line bound.
                    reader = start;
                    return ManageSieveParseResult.NeedMoreData;
                case ManageSieveParseResult.NeedMoreData:
                    return NeedMore(ref reader, start, segment);
                case ManageSieveParseResult.SyntaxError:
                    return Fail(ref reader, start, invalid!, out error);
                case ManageSieveParseResult.LiteralTooLarge:
                    literalSize = size;
                    return ManageSieveParseResult.LiteralTooLarge;
            }

            arguments.Add(argument!);
            if (literal)
            {
                segment = reader;
            }
        }
    }

    /// <summary>What follows the verb or an argument: a space before the next argument, or the command's CRLF.</summary>
    private static Separator ReadSeparator(ref SequenceReader<byte> reader, bool response, out string? problem)
    {
        problem = null;
        if (!reader.TryPeek(out var b))
        {
            return Separator.NeedMore;
        }

        if (b == '\r')
        {
            if (!reader.TryPeek(1, out var next))
            {
                return Separator.NeedMore;
            }

            if (next != '\n')
            {
                problem = "CR without LF";
                return Separator.Invalid;
            }

            reader.Advance(2);
            return Separator.LineEnd;
        }

        if (b == '\n')
        {
            reader.Advance(1);
            return Separator.LineEnd;
        }

        if (b != ' ' || response)
        {
            problem = "expected a space between arguments";
            return Separator.Invalid;
        }

        reader.Advance(1);
        return Separator.Space;
    }

    /// <summary>
    /// Reads one argument: a quoted string, a literal or an atom. For a literal whose header was read,
    /// <paramref name="literalSize"/> is its size (the octets to drain when it is too large; non-zero with
    /// NeedMoreData when only its octets are missing).
    /// </summary>
    private static ManageSieveParseResult ReadArgument(ref SequenceReader<byte> reader, long maxLiteral, out string? argument, out string? problem, out long literalSize)
    {
        argument = null;
        problem = null;
        literalSize = 0;
        if (!reader.TryPeek(out var first))
        {
            return ManageSieveParseResult.NeedMoreData;
        }

        if (first == '"')
        {
            var status = ReadQuoted(ref reader, out argument);
            problem = status == ManageSieveParseResult.SyntaxError ? "malformed quoted string" : null;
            return status;
        }

        if (first == '{')
        {
            return ReadLiteral(ref reader, maxLiteral, out argument, out problem, out literalSize);
        }

        argument = ReadAtom(ref reader);
        if (argument.Length == 0)
        {
            problem = "expected a string, a literal or a number";
            return ManageSieveParseResult.SyntaxError;
        }

        return ManageSieveParseResult.Command;
    }

    /// <summary>Reads <c>{N+}</c> or <c>{N}</c>, CRLF and N octets of UTF-8 (RFC 5804 §4).</summary>
    private static ManageSieveParseResult ReadLiteral(ref SequenceReader<byte> reader, long maxLiteral, out string? argument, out string? problem, out long literalSize)
    {
        argument = null;
        problem = null;
        literalSize = 0;
        reader.Advance(1);
        var digits = ReadAtom(ref reader);
        if (!reader.TryPeek(out var close))
        {
            return ManageSieveParseResult.NeedMoreData;
        }

        var number = digits.EndsWith('+') ? digits[..^1] : digits;
        if (close != '}' || number.Length is 0 or > 12 || !long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var size))
        {
            problem = "malformed literal";
            return ManageSieveParseResult.SyntaxError;
        }

        reader.Advance(1);
        if (reader.TryPeek(out var cr) && cr == '\r')
        {
            reader.Advance(1);
        }

        if (!reader.TryPeek(out var lf))
        {
            return ManageSieveParseResult.NeedMoreData;
        }

        if (lf != '\n')
        {
            problem = "a literal's size must end its line";
            return ManageSieveParseResult.SyntaxError;
        }

        reader.Advance(1);
        literalSize = size;
        if (size > maxLiteral)
        {
            return ManageSieveParseResult.LiteralTooLarge;
        }

        if (reader.Remaining < size)
        {
            return ManageSieveParseResult.NeedMoreData;
        }

        var octets = reader.UnreadSequence.Slice(0, size);
        reader.Advance(size);
        try
        {
            argument = StrictUtf8.GetString(octets.ToArray());
            return ManageSieveParseResult.Command;
        }
        catch (DecoderFallbackException)
        {
            problem = "a literal is not UTF-8";
            return ManageSieveParseResult.SyntaxError;
        }
    }

    private static ManageSieveParseResult NeedMore(ref SequenceReader<byte> reader, SequenceReader<byte> start, SequenceReader<byte> segment)
    {
        // Nothing is consumed until the command is whole; a stretch outside literals that never ends is refused at the bound.
        reader = start;
        return segment.Remaining > MaxLineLength && !HasLineEnd(segment) ? ManageSieveParseResult.LineTooLong : ManageSieveParseResult.NeedMoreData;
    }

    private static bool HasLineEnd(SequenceReader<byte> reader) => reader.TryAdvanceTo((byte)'\n', advancePastDelimiter: true);

    private static ManageSieveParseResult Fail(ref SequenceReader<byte> reader, SequenceReader<byte> start, string message, out string? error)
    {
        error = message;

        // Skip through the end of the line so the session stays in step with the client.
        if (reader.TryAdvanceTo((byte)'\n', advancePastDelimiter: true))
        {
            return ManageSieveParseResult.SyntaxError;
        }

        var buffered = start.Remaining;
        reader = start;
        error = null;
        return buffered > MaxLineLength ? ManageSieveParseResult.LineTooLong : ManageSieveParseResult.NeedMoreData;
    }

    private static string ReadAtom(ref SequenceReader<byte> reader)
    {
        var sb = new StringBuilder();
        while (reader.TryPeek(out var b) && b > ' ' && b < 0x7f && b is not ((byte)'"' or (byte)'{' or (byte)'}' or (byte)'(' or (byte)')'))
        {
            if (sb.Length > 64)
            {
                break;
            }

            sb.Append((char)b);
            reader.Advance(1);
        }

        return sb.ToString();
    }

    private static ManageSieveParseResult ReadQuoted(ref SequenceReader<byte> reader, out string? text)
    {
        // RFC 5804 §4: quoted = DQUOTE *QUOTED-CHAR DQUOTE; QUOTED-CHAR is UTF-8 except CR, LF, and escaped \ or ".
        text = null;
        reader.Advance(1);
        var octets = new List<byte>();
        while (true)
        {
            if (!reader.TryRead(out var b))
            {
                return ManageSieveParseResult.NeedMoreData;
            }

            if (b == '"')
            {
                try
                {
                    text = StrictUtf8.GetString(octets.ToArray());
                    return ManageSieveParseResult.Command;
                }
                catch (DecoderFallbackException)
                {
                    return ManageSieveParseResult.SyntaxError;
                }
            }

            if (b is (byte)'\r' or (byte)'\n' || octets.Count > 1024)
            {
                return ManageSieveParseResult.SyntaxError;
            }

            if (b == '\\')
            {
                if (!reader.TryRead(out b))
                {
                    return ManageSieveParseResult.NeedMoreData;
                }

                if (b is not ((byte)'\\' or (byte)'"'))
                {
                    return ManageSieveParseResult.SyntaxError;
                }
            }

            octets.Add(b);
        }
    }

    private enum Separator
    {
        Space,
        LineEnd,
        NeedMore,
        Invalid,
    }
}
