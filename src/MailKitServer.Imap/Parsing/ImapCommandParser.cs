using System.Text;

namespace MailKitServer.Imap.Parsing;

/// <summary>
/// Parses a command line without literals straight from its octets into the session's <see cref="ImapParseArena"/>:
/// the same tokens as <see cref="ImapTokenizer"/> (atoms with <c>[section]</c> and <c>&lt;partial&gt;</c>, quoted
/// strings, lists), but no string is made until the session reads one, and known command names are the shared
/// constants. In steady state parsing a command allocates nothing.
/// </summary>
internal static class ImapCommandParser
{
    /// <summary>The error for a line without a valid tag and command name.</summary>
    public const string MissingTagOrCommand = "Missing tag or command";

    private static readonly string[] Names =
    [
        "CAPABILITY", "NOOP", "LOGOUT", "ID", "ENABLE", "STARTTLS", "LOGIN", "AUTHENTICATE", "SELECT", "EXAMINE", "CREATE", "DELETE", "RENAME",
        "SUBSCRIBE", "UNSUBSCRIBE", "LIST", "LSUB", "STATUS", "NAMESPACE", "APPEND", "IDLE", "CLOSE", "UNSELECT", "EXPUNGE", "FETCH", "STORE",
        "SEARCH", "COPY", "MOVE", "CHECK", "UID",
    ];

    private static readonly byte[][] NameOctets = [.. Names.Select(Encoding.ASCII.GetBytes)];

    /// <summary>Parses the arena's command octets into <see cref="ImapParseArena.Command"/>.</summary>
    /// <param name="arena">The arena, loaded with one command line.</param>
    /// <param name="error">Why the command is not valid, or null.</param>
    /// <returns>Whether a command was parsed.</returns>
    public static bool TryParse(ImapParseArena arena, out string? error)
    {
        var top = arena.List();
        if (!TryTokenize(arena, top, out error))
        {
            return false;
        }

        if (top.Count < 2 || top[0].Kind != ImapTokenKind.Atom || top[1].Kind != ImapTokenKind.Atom || !ValidTag(top[0].RawSpan))
        {
            error = MissingTagOrCommand;
            return false;
        }

        var arguments = arena.List();
        for (var i = 2; i < top.Count; i++)
        {
            arguments.Add(top[i]);
        }

        arena.Command.Set(top[0], Name(top[1]), arguments);
        return true;
    }

    /// <summary>The tag to answer a command that failed to parse: its first word when that is a valid tag, else "*".</summary>
    public static string TagOf(ReadOnlySpan<byte> line)
    {
        var space = line.IndexOf((byte)' ');
        var tag = space > 0 ? line[..space] : line;
        return tag.Length > 0 && ValidTag(tag) ? Encoding.ASCII.GetString(tag) : "*";
    }

    /// <summary>A tag: printable ASCII without the characters RFC 9051 §9 excludes (tag = 1*&lt;any ASTRING-CHAR except "+"&gt;).</summary>
    public static bool ValidTag(ReadOnlySpan<byte> tag)
    {
        if (tag.IsEmpty)
        {
            return false;
        }

        foreach (var b in tag)
        {
            if (b <= (byte)' ' || b >= 127 || b is (byte)'(' or (byte)')' or (byte)'{' or (byte)'%' or (byte)'*' or (byte)'"' or (byte)'\\' or (byte)'+')
            {
                return false;
            }
        }

        return true;
    }

    private static string Name(ImapToken token)
    {
        var raw = token.RawSpan;
        for (var i = 0; i < NameOctets.Length; i++)
        {
            if (Ascii.EqualsIgnoreCase(raw, NameOctets[i]))
            {
                return Names[i];
            }
        }

        return token.Text.ToUpperInvariant();
    }

    private static bool TryTokenize(ImapParseArena arena, List<ImapToken> top, out string? error)
    {
        error = null;
        var text = arena.Octets;
        var current = top;
        var stack = new ListStack(arena);
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            switch (c)
            {
                case (byte)' ':
                    i++;
                    break;
                case (byte)'(':
                    if (stack.Count >= ImapTokenizer.MaxNesting)
                    {
                        error = ImapTokenizer.TooDeep;
                        return false;
                    }

                    stack.Push(current);
                    current = arena.List();
                    i++;
                    break;
                case (byte)')':
                    if (stack.Count == 0)
                    {
                        error = "Unbalanced parentheses";
                        return false;
                    }

                    var list = arena.Token(ImapTokenKind.List, i, 0, false, current);
                    current = stack.Pop();
                    current.Add(list);
                    i++;
                    break;
                case (byte)'"':
                    var start = i + 1;
                    var close = QuotedEnd(text, start, out var escaped);
                    if (close < 0)
                    {
                        error = "Unterminated quoted string";
                        return false;
                    }

                    current.Add(arena.Token(ImapTokenKind.String, start, close - start, escaped, null));
                    i = close + 1;
                    break;
                default:
                    var atomStart = i;
                    i = ImapAtom.End(text, atomStart);
                    if (i == atomStart)
                    {
                        error = "Invalid character";
                        return false;
                    }

                    current.Add(arena.Token(ImapTokenKind.Atom, atomStart, i - atomStart, false, null));
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

    /// <summary>The index of the quote that closes a quoted string whose content starts at <paramref name="start"/>, or -1.</summary>
    private static int QuotedEnd(ReadOnlySpan<byte> text, int start, out bool escaped)
    {
        escaped = false;
        var i = start;
        while (i < text.Length)
        {
            if (text[i] == (byte)'\\' && i + 1 < text.Length && text[i + 1] is (byte)'"' or (byte)'\\')
            {
                escaped = true;
                i += 2;
            }
            else if (text[i] == (byte)'"')
            {
                return i;
            }
            else
            {
                i++;
            }
        }

        return -1;
    }

    /// <summary>The open lists while parsing nested parentheses, kept in an arena list of list tokens.</summary>
    private ref struct ListStack(ImapParseArena arena)
    {
        private List<List<ImapToken>>? _open;

        public int Count { get; private set; }

        public void Push(List<ImapToken> list)
        {
            _open ??= arena.Stack();
            if (_open.Count == Count)
            {
                _open.Add(list);
            }
            else
            {
                _open[Count] = list;
            }

            Count++;
        }

        public List<ImapToken> Pop() => _open![--Count];
    }
}
