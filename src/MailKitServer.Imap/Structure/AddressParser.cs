using System.Buffers;
using System.Text;

namespace MailKitServer.Imap.Structure;

/// <summary>Parses address lists (RFC 5322 §3.4 with groups and the obsolete forms of §4.4) into ENVELOPE addresses.</summary>
internal static class AddressParser
{
    /// <summary>Placeholder host for a mailbox without a domain, as Dovecot writes it.</summary>
    public const string MissingDomain = "MISSING_DOMAIN";

    /// <summary>Placeholder mailbox for an address without a local part, as Dovecot writes it.</summary>
    public const string MissingMailbox = "MISSING_MAILBOX";

    /// <summary>Where a word ends: white space (as <see cref="char.IsWhiteSpace(char)"/> has it) or a special.</summary>
    private static readonly SearchValues<char> WordEnd = SearchValues.Create(
        [.. Enumerable.Range(0, char.MaxValue + 1).Select(c => (char)c).Where(char.IsWhiteSpace), .. "()<>@,;:\".[]"]);

    /// <summary>What a local part must be quoted for.</summary>
    private static readonly SearchValues<char> NeedsQuoting = SearchValues.Create(" \"\\(),:;<>@[]");

    /// <summary>The tokens of the value being parsed, kept per thread (a first FETCH ENVELOPE parses some 60,000 lists).</summary>
    [ThreadStatic]
    private static List<Token>? t_tokens;

    /// <summary>A builder for the strings of an address, kept per thread while small.</summary>
    [ThreadStatic]
    private static StringBuilder? t_text;

    /// <summary>Parses an address-list header value.</summary>
    /// <param name="value">The value (unfolded).</param>
    /// <returns>The addresses with group markers, in order; empty for an empty value.</returns>
    public static IReadOnlyList<EnvelopeAddress> Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var tokens = t_tokens ?? new List<Token>(32);
        t_tokens = null;
        try
        {
            var commentAfter = Tokenize(value, tokens);
            return Parse(tokens, commentAfter);
        }
        finally
        {
            // The tokens refer to the value: let it go. A list grown by a hostile header is not kept.
            tokens.Clear();
            t_tokens = tokens.Capacity <= 256 ? tokens : null;
        }
    }

    private static List<EnvelopeAddress> Parse(List<Token> tokens, Dictionary<int, string>? commentAfter)
    {
        var result = new List<EnvelopeAddress>();
        var i = 0;
        var inGroup = false;
        while (i < tokens.Count)
        {
            // The phrase is the run of words, quoted strings and dots from here: tokens[phrase..i].
            var phrase = i;
            while (i < tokens.Count && tokens[i].Kind is TokenKind.Word or TokenKind.Quoted or TokenKind.Dot)
            {
                i++;
            }

            var next = i < tokens.Count ? tokens[i] : default;
            if (next.Kind == TokenKind.Special && next.Is(':') && !inGroup)
            {
                // group = display-name ":" [group-list] ";"
                result.Add(new EnvelopeAddress(null, null, PhraseText(tokens, phrase, i), null));
                inGroup = true;
                i++;
                continue;
            }

            if (next.Kind == TokenKind.Special && next.Is('<'))
            {
                i++;
                result.Add(ReadAngleAddress(tokens, ref i, phrase, i - 1));
            }
            else if ((next.Kind == TokenKind.Special && next.Is('@')) || i > phrase)
            {
                result.Add(ReadBareAddress(tokens, ref i, phrase, commentAfter));
            }

            // Skip to the next separator.
            while (i < tokens.Count && !tokens[i].Is(',') && !tokens[i].Is(';'))
            {
                i++;
            }

            if (i < tokens.Count && tokens[i].Is(';'))
            {
                if (inGroup)
                {
                    result.Add(new EnvelopeAddress(null, null, null, null));
                    inGroup = false;
                }

                i++;
            }
            else if (i < tokens.Count)
            {
                i++;
            }
        }

        if (inGroup)
        {
            result.Add(new EnvelopeAddress(null, null, null, null));
        }

        return result;
    }

    /// <summary>name-addr after its "&lt;": an optional obsolete route ("@a,@b:"), the addr-spec, the "&gt;".</summary>
    /// <param name="tokens">The tokens.</param>
    /// <param name="i">The token after the "&lt;"; moved past the address.</param>
    /// <param name="phrase">Where the display name's tokens start.</param>
    /// <param name="phraseEnd">Where they end (the "&lt;").</param>
    private static EnvelopeAddress ReadAngleAddress(List<Token> tokens, ref int i, int phrase, int phraseEnd)
    {
        string? route = null;
        if (i < tokens.Count && tokens[i].Is('@'))
        {
            var sb = Text();
            while (i < tokens.Count && !tokens[i].Is(':') && !tokens[i].Is('>'))
            {
                sb.Append(tokens[i++].Span);
            }

            var text = Done(sb);
            if (i < tokens.Count && tokens[i].Is(':'))
            {
                i++;
                route = text;
            }
        }

        var (mailbox, host) = ReadAddrSpec(tokens, ref i, '>');
        if (i < tokens.Count && tokens[i].Is('>'))
        {
            i++;
        }

        var name = phraseEnd > phrase ? PhraseText(tokens, phrase, phraseEnd) : null;
        return new EnvelopeAddress(name, route, mailbox ?? MissingMailbox, host ?? MissingDomain);
    }

    /// <summary>An addr-spec without angle brackets, whose local part is the phrase read so far (tokens[phrase..i]).</summary>
    private static EnvelopeAddress ReadBareAddress(List<Token> tokens, ref int i, int phrase, Dictionary<int, string>? commentAfter)
    {
        var sb = Text();
        for (var t = phrase; t < i; t++)
        {
            AppendLocal(sb, tokens[t]);
        }

        var local = Done(sb);
        string? host = null;
        if (i < tokens.Count && tokens[i].Is('@'))
        {
            i++;
            host = ReadDomain(tokens, ref i);
        }

        // A comment right after a bare addr-spec, "user@domain (Real Name)", is the only name it has: Dovecot
        // shows it as the name, and so do mail readers.
        var comment = i > 0 && commentAfter is not null && commentAfter.TryGetValue(i - 1, out var c) ? c : null;
        return new EnvelopeAddress(comment, null, local.Length > 0 ? local : MissingMailbox, host ?? MissingDomain);
    }

    private static (string? Mailbox, string? Host) ReadAddrSpec(List<Token> tokens, ref int i, char terminator)
    {
        var sb = Text();
        while (i < tokens.Count && !tokens[i].Is('@') && !tokens[i].Is(terminator) && !tokens[i].Is(',') && !(tokens[i].Kind == TokenKind.Special && (tokens[i].Is('<') || tokens[i].Is(';'))))
        {
            AppendLocal(sb, tokens[i]);
            i++;
        }

        var local = Done(sb);
        string? host = null;
        if (i < tokens.Count && tokens[i].Is('@'))
        {
            i++;
            host = ReadDomain(tokens, ref i);
        }

        return (local.Length > 0 ? local : null, host);
    }

    private static string? ReadDomain(List<Token> tokens, ref int i)
    {
        var sb = Text();
        while (i < tokens.Count && tokens[i].Kind is TokenKind.Word or TokenKind.Dot or TokenKind.Literal)
        {
            sb.Append(tokens[i++].Span);
        }

        var domain = Done(sb);
        return domain.Length > 0 ? domain : null;
    }

    private static string PhraseText(List<Token> tokens, int from, int to)
    {
        var sb = Text();
        for (var i = from; i < to; i++)
        {
            var t = tokens[i];
            if (sb.Length > 0 && t.Kind != TokenKind.Dot && sb[^1] != '.')
            {
                sb.Append(' ');
            }

            sb.Append(t.Span);
        }

        return Done(sb);
    }

    /// <summary>A local part's token: a quoted string quoted again when it needs it (<see cref="NeedsQuoting"/>).</summary>
    private static void AppendLocal(StringBuilder sb, Token token)
    {
        var text = token.Span;
        if (token.Kind != TokenKind.Quoted || !text.ContainsAny(NeedsQuoting))
        {
            sb.Append(text);
            return;
        }

        sb.Append('"');
        foreach (var c in text)
        {
            if (c is '\\' or '"')
            {
                sb.Append('\\');
            }

            sb.Append(c);
        }

        sb.Append('"');
    }

    /// <summary>The thread's builder, empty (each use ends with <see cref="Done"/> before the next begins).</summary>
    private static StringBuilder Text()
    {
        var sb = t_text ?? new StringBuilder(64);
        t_text = null;
        return sb.Clear();
    }

    /// <summary>The builder's text; the builder goes back to the thread unless it grew large.</summary>
    private static string Done(StringBuilder sb)
    {
        var text = sb.Length == 0 ? string.Empty : sb.ToString();
        if (sb.Capacity <= 1024)
        {
            t_text = sb;
        }

        return text;
    }

    /// <summary>
    /// Splits a header value into tokens; returns a map from a token's index to the text of the last comment right
    /// after it (null when there is none). Words and literals refer to the value; quoted strings are their text.
    /// </summary>
    private static Dictionary<int, string>? Tokenize(string s, List<Token> tokens)
    {
        Dictionary<int, string>? commentAfter = null;
        var i = 0;
        while (i < s.Length)
        {
            var c = s[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c == '(')
            {
                var start = i;
                Comments.Skip(s, ref i);
                if (tokens.Count > 0)
                {
                    (commentAfter ??= [])[tokens.Count - 1] = Comments.Text(s[start..i]);
                }
            }
            else if (c == '"')
            {
                var sb = Text();
                for (i++; i < s.Length && s[i] != '"'; i++)
                {
                    if (s[i] == '\\' && i + 1 < s.Length)
                    {
                        i++;
                    }

                    sb.Append(s[i]);
                }

                i++;
                var quoted = Done(sb);
                tokens.Add(new Token(TokenKind.Quoted, quoted, 0, quoted.Length));
            }
            else if (c == '[')
            {
                var end = s.IndexOf(']', i);
                end = end < 0 ? s.Length - 1 : end;
                tokens.Add(new Token(TokenKind.Literal, s, i, end + 1 - i));
                i = end + 1;
            }
            else if (c == '.')
            {
                tokens.Add(new Token(TokenKind.Dot, s, i, 1));
                i++;
            }
            else if (IsSpecial(c))
            {
                tokens.Add(new Token(TokenKind.Special, s, i, 1));
                i++;
            }
            else
            {
                var start = i;
                var length = s.AsSpan(i).IndexOfAny(WordEnd);
                i = length < 0 ? s.Length : i + length;

                if (i == start)
                {
                    i++;
                    continue;
                }

                tokens.Add(new Token(TokenKind.Word, s, start, i - start));
            }
        }

        return commentAfter;
    }

    private static bool IsSpecial(char c) => c is '<' or '>' or '@' or ',' or ';' or ':';

    private enum TokenKind
    {
        Word,
        Quoted,
        Dot,
        Special,
        Literal,
    }

    /// <summary>
    /// A token: a value, so a header's tokens are one list and no object each; its text is a range of a string (the
    /// header value, or a quoted string's own text), so a word is not copied out until an address is put together.
    /// </summary>
    private readonly record struct Token(TokenKind Kind, string Source, int Start, int Length)
    {
        /// <summary>The token's text.</summary>
        public ReadOnlySpan<char> Span => Source.AsSpan(Start, Length);

        /// <summary>Whether the token's text is the one character (whatever its kind, as a comparison of texts).</summary>
        public bool Is(char c) => Length == 1 && Source[Start] == c;
    }
}
