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

    /// <summary>Parses an address-list header value.</summary>
    /// <param name="value">The value (unfolded).</param>
    /// <returns>The addresses with group markers, in order; empty for an empty value.</returns>
    public static IReadOnlyList<EnvelopeAddress> Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var tokens = Tokenize(value, out var commentAfter);
        var result = new List<EnvelopeAddress>();
        var i = 0;
        var inGroup = false;
        while (i < tokens.Count)
        {
            var phrase = new List<Token>();
            while (i < tokens.Count && tokens[i].Kind is TokenKind.Word or TokenKind.Quoted or TokenKind.Dot)
            {
                phrase.Add(tokens[i++]);
            }

            Token? next = i < tokens.Count ? tokens[i] : null;
            if (next is { Kind: TokenKind.Special, Text: ":" } && !inGroup)
            {
                // group = display-name ":" [group-list] ";"
                result.Add(new EnvelopeAddress(null, null, PhraseText(phrase), null));
                inGroup = true;
                i++;
                continue;
            }

            if (next is { Kind: TokenKind.Special, Text: "<" })
            {
                i++;
                result.Add(ReadAngleAddress(tokens, ref i, phrase));
            }
            else if (next is { Kind: TokenKind.Special, Text: "@" } || phrase.Count > 0)
            {
                result.Add(ReadBareAddress(tokens, ref i, phrase, commentAfter));
            }

            // Skip to the next separator.
            while (i < tokens.Count && tokens[i].Text is not ("," or ";"))
            {
                i++;
            }

            if (i < tokens.Count && tokens[i].Text == ";")
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
    private static EnvelopeAddress ReadAngleAddress(List<Token> tokens, ref int i, List<Token> phrase)
    {
        string? route = null;
        if (i < tokens.Count && tokens[i].Text == "@")
        {
            var sb = new StringBuilder();
            while (i < tokens.Count && tokens[i].Text != ":" && tokens[i].Text != ">")
            {
                sb.Append(tokens[i++].Text);
            }

            if (i < tokens.Count && tokens[i].Text == ":")
            {
                i++;
                route = sb.ToString();
            }
        }

        var (mailbox, host) = ReadAddrSpec(tokens, ref i, ">");
        if (i < tokens.Count && tokens[i].Text == ">")
        {
            i++;
        }

        var name = phrase.Count > 0 ? PhraseText(phrase) : null;
        return new EnvelopeAddress(name, route, mailbox ?? MissingMailbox, host ?? MissingDomain);
    }

    /// <summary>An addr-spec without angle brackets, whose local part is the phrase read so far.</summary>
    private static EnvelopeAddress ReadBareAddress(List<Token> tokens, ref int i, List<Token> phrase, Dictionary<int, string>? commentAfter)
    {
        var local = string.Concat(phrase.Select(t => t.Kind == TokenKind.Quoted ? Quote(t.Text) : t.Text));
        string? host = null;
        if (i < tokens.Count && tokens[i].Text == "@")
        {
            i++;
            host = ReadDomain(tokens, ref i);
        }

        // A comment right after a bare addr-spec, "user@domain (Real Name)", is the only name it has: Dovecot
        // shows it as the name, and so do mail readers.
        var comment = i > 0 && commentAfter is not null && commentAfter.TryGetValue(i - 1, out var c) ? c : null;
        return new EnvelopeAddress(comment, null, local.Length > 0 ? local : MissingMailbox, host ?? MissingDomain);
    }

    private static (string? Mailbox, string? Host) ReadAddrSpec(List<Token> tokens, ref int i, string terminator)
    {
        var local = new StringBuilder();
        while (i < tokens.Count && tokens[i].Text != "@" && tokens[i].Text != terminator && tokens[i].Text != "," && !(tokens[i].Kind == TokenKind.Special && tokens[i].Text is "<" or ";"))
        {
            local.Append(tokens[i].Kind == TokenKind.Quoted ? Quote(tokens[i].Text) : tokens[i].Text);
            i++;
        }

        string? host = null;
        if (i < tokens.Count && tokens[i].Text == "@")
        {
            i++;
            host = ReadDomain(tokens, ref i);
        }

        return (local.Length > 0 ? local.ToString() : null, host);
    }

    private static string? ReadDomain(List<Token> tokens, ref int i)
    {
        var sb = new StringBuilder();
        while (i < tokens.Count && tokens[i].Kind is TokenKind.Word or TokenKind.Dot or TokenKind.Literal)
        {
            sb.Append(tokens[i++].Text);
        }

        return sb.Length > 0 ? sb.ToString() : null;
    }

    private static string PhraseText(List<Token> phrase)
    {
        var sb = new StringBuilder();
        foreach (var t in phrase)
        {
            if (sb.Length > 0 && t.Kind != TokenKind.Dot && !(sb.Length > 0 && sb[^1] == '.'))
            {
                sb.Append(' ');
            }

            sb.Append(t.Text);
        }

        return sb.ToString();
    }

    private static string Quote(string local) =>
        local.AsSpan().ContainsAny(NeedsQuoting) ? "\"" + local.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"" : local;

    /// <summary>Splits a header value into tokens; <paramref name="commentAfter"/> maps a token's index to the text of the last comment right after it.</summary>
    private static List<Token> Tokenize(string s, out Dictionary<int, string>? commentAfter)
    {
        var tokens = new List<Token>();
        commentAfter = null;
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
                var sb = new StringBuilder();
                for (i++; i < s.Length && s[i] != '"'; i++)
                {
                    if (s[i] == '\\' && i + 1 < s.Length)
                    {
                        i++;
                    }

                    sb.Append(s[i]);
                }

                i++;
                tokens.Add(new Token(TokenKind.Quoted, sb.ToString()));
            }
            else if (c == '[')
            {
                var end = s.IndexOf(']', i);
                end = end < 0 ? s.Length - 1 : end;
                tokens.Add(new Token(TokenKind.Literal, s[i..(end + 1)]));
                i = end + 1;
            }
            else if (c == '.')
            {
                tokens.Add(new Token(TokenKind.Dot, "."));
                i++;
            }
            else if (Special(c) is { } special)
            {
                tokens.Add(new Token(TokenKind.Special, special));
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

                tokens.Add(new Token(TokenKind.Word, s[start..i]));
            }
        }

        return tokens;
    }

    private static string? Special(char c) => c switch
    {
        '<' => "<",
        '>' => ">",
        '@' => "@",
        ',' => ",",
        ';' => ";",
        ':' => ":",
        _ => null,
    };

    private enum TokenKind
    {
        Word,
        Quoted,
        Dot,
        Special,
        Literal,
    }

    /// <summary>A token: a value, so a header's tokens are one list and no object each.</summary>
    private readonly record struct Token(TokenKind Kind, string Text);
}
