using System.Text;

namespace MailKitServer.Imap.Parsing;

/// <summary>
/// Turns the text of a command (with its literals already read) into tokens: atoms, quoted strings, literals and
/// parenthesised lists. An atom may hold a <c>[section]</c> with spaces and parentheses inside and a <c>&lt;partial&gt;</c>,
/// as FETCH items do.
/// </summary>
internal static class ImapTokenizer
{
    /// <summary>The character that marks where a literal stands in the text.</summary>
    public const char LiteralMarker = '\u0001';

    /// <summary>
    /// The deepest nesting of parenthesised lists accepted (issue 15: every recursion over network input is
    /// bounded); a SEARCH program or a flag list never needs more.
    /// </summary>
    internal const int MaxNesting = 64;

    /// <summary>The error for lists nested deeper than <see cref="MaxNesting"/>.</summary>
    internal const string TooDeep = "Too deeply nested";

    /// <summary>Tokenizes a command.</summary>
    /// <param name="text">The command text; each literal is replaced by <see cref="LiteralMarker"/>.</param>
    /// <param name="literals">The literals in order.</param>
    /// <param name="tokens">The tokens; undefined when the syntax is invalid.</param>
    /// <param name="error">Why the syntax is invalid.</param>
    /// <returns><see langword="true"/> when the syntax is valid.</returns>
    public static bool TryTokenize(string text, IReadOnlyList<ImapToken> literals, out List<ImapToken> tokens, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(literals);
        var stack = new Stack<List<ImapToken>>();
        var current = new List<ImapToken>();
        tokens = current;
        error = null;
        var literal = 0;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            switch (c)
            {
                case ' ':
                    i++;
                    break;
                case '(':
                    if (stack.Count >= MaxNesting)
                    {
                        error = TooDeep;
                        return false;
                    }

                    stack.Push(current);
                    current = [];
                    i++;
                    break;
                case ')':
                    if (stack.Count == 0)
                    {
                        error = "Unbalanced parentheses";
                        return false;
                    }

                    var list = ImapToken.List(current);
                    current = stack.Pop();
                    current.Add(list);
                    i++;
                    break;
                case LiteralMarker:
                    if (literal >= literals.Count)
                    {
                        error = "Literal missing";
                        return false;
                    }

                    current.Add(literals[literal++]);
                    i++;
                    break;
                default:
                    if (!TryReadWord(text, ref i, out var word, out error))
                    {
                        return false;
                    }

                    current.Add(word);
                    break;
            }
        }

        if (stack.Count != 0)
        {
            error = "Unbalanced parentheses";
            return false;
        }

        return true;
    }

    /// <summary>Reads a quoted string or an atom starting at <paramref name="i"/> and moves past it.</summary>
    private static bool TryReadWord(string text, ref int i, out ImapToken token, out string? error)
    {
        error = null;
        if (text[i] == '"')
        {
            var ok = TryReadQuoted(text, ref i, out var quoted);
            token = ImapToken.Quoted(quoted);
            error = ok ? null : "Unterminated quoted string";
            return ok;
        }

        var start = i;
        i = ImapAtom.End(text.AsSpan(), start);
        token = ImapToken.Atom(text[start..i]);
        error = i == start ? "Invalid character" : null;
        return i != start;
    }

    /// <summary>Reads a quoted string whose opening quote is at <paramref name="i"/>; leaves <paramref name="i"/> after the closing quote.</summary>
    private static bool TryReadQuoted(string text, ref int i, out string value)
    {
        var sb = new StringBuilder();
        i++;
        while (i < text.Length)
        {
            if (text[i] == '\\' && i + 1 < text.Length && text[i + 1] is '"' or '\\')
            {
                sb.Append(text[i + 1]);
                i += 2;
            }
            else if (text[i] == '"')
            {
                i++;
                value = sb.ToString();
                return true;
            }
            else
            {
                sb.Append(text[i++]);
            }
        }

        value = string.Empty;
        return false;
    }
}
