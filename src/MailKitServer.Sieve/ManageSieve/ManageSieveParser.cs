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

        var argumentNext = response;
        while (true)
        {
            if (argumentNext)
            {
                argumentNext = false;
            }
            else if (!reader.TryPeek(out var b))
            {
                return NeedMore(ref reader, start, segment);
            }
            else if (b == '\r' || b == '\n')
            {
                if (b == '\r')
                {
                    if (!reader.TryPeek(1, out var next))
                    {
                        return NeedMore(ref reader, start, segment);
                    }

                    if (next != '\n')
                    {
                        return Fail(ref reader, start, "CR without LF", out error);
                    }

                    reader.Advance(1);
                }

                reader.Advance(1);
                command = new ManageSieveCommand(verb.ToUpperInvariant(), arguments);
                return ManageSieveParseResult.Command;
            }
            else if (b != ' ' || response)
            {
                return Fail(ref reader, start, "expected a space between arguments", out error);
            }
            else
            {
                reader.Advance(1);
            }

            if (arguments.Count == MaxArguments)
            {
                return Fail(ref reader, start, "too many arguments", out error);
            }

            if (!reader.TryPeek(out var first))
            {
                return NeedMore(ref reader, start, segment);
            }

            if (first == '"')
            {
                var status = ReadQuoted(ref reader, out var text);
                if (status == ManageSieveParseResult.NeedMoreData)
                {
                    return NeedMore(ref reader, start, segment);
                }

                if (status != ManageSieveParseResult.Command)
                {
                    return Fail(ref reader, start, "malformed quoted string", out error);
                }

                arguments.Add(text!);
            }
            else if (first == '{')
            {
                reader.Advance(1);
                var digits = ReadAtom(ref reader);
                if (!reader.TryPeek(out var close))
                {
                    return NeedMore(ref reader, start, segment);
                }

                var plus = digits.EndsWith('+');
                var number = plus ? digits[..^1] : digits;
                if (close != '}' || number.Length is 0 or > 12 || !long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var size))
                {
                    return Fail(ref reader, start, "malformed literal", out error);
                }

                reader.Advance(1);
                if (!reader.TryPeek(out var cr))
                {
                    return NeedMore(ref reader, start, segment);
                }

                if (cr == '\r')
                {
                    reader.Advance(1);
                }

                if (!reader.TryPeek(out var lf))
                {
                    return NeedMore(ref reader, start, segment);
                }

                if (lf != '\n')
                {
                    return Fail(ref reader, start, "a literal's size must end its line", out error);
                }

                reader.Advance(1);
                if (size > maxLiteral)
                {
                    literalSize = size;
                    return ManageSieveParseResult.LiteralTooLarge;
                }

                if (reader.Remaining < size)
                {
                    reader = start;
                    return ManageSieveParseResult.NeedMoreData;
                }

                var octets = reader.UnreadSequence.Slice(0, size);
                try
                {
                    arguments.Add(StrictUtf8.GetString(octets.ToArray()));
                }
                catch (DecoderFallbackException)
                {
                    reader.Advance(size);
                    return Fail(ref reader, start, "a literal is not UTF-8", out error);
                }

                reader.Advance(size);
                segment = reader;
            }
            else
            {
                var atom = ReadAtom(ref reader);
                if (atom.Length == 0)
                {
                    return Fail(ref reader, start, "expected a string, a literal or a number", out error);
                }

                arguments.Add(atom);
            }
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
}
