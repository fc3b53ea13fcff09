using MailKitServer.Runtime;

namespace MailKitServer.Imap.Parsing;

/// <summary>
/// One token of an IMAP command. Tokens parsed by <see cref="ImapCommandParser"/> point into the session's
/// <see cref="ImapParseArena"/> and make their text only when it is read; they are reused by the next command.
/// </summary>
internal sealed class ImapToken
{
    private string? _text;
    private ImapParseArena? _arena;
    private int _start;
    private int _length;
    private bool _escaped;

    private ImapToken(ImapTokenKind kind, string text, IReadOnlyList<ImapToken>? items, bool isLiteral)
    {
        Kind = kind;
        _text = text;
        Items = items ?? [];
        IsLiteral = isLiteral;
    }

    /// <summary>An empty token for the arena's pool.</summary>
    internal ImapToken()
    {
        Items = [];
    }

    /// <summary>The kind.</summary>
    public ImapTokenKind Kind { get; private set; }

    /// <summary>The atom or string text (a literal decoded as UTF-8).</summary>
    public string Text => _text ??= _arena is null ? string.Empty : _arena.Decode(_start, _length, _escaped);

    /// <summary>The items of a list.</summary>
    public IReadOnlyList<ImapToken> Items { get; private set; }

    /// <summary>Whether the string came as a literal.</summary>
    public bool IsLiteral { get; private set; }

    /// <summary>A literal's octets, when small enough to be held.</summary>
    public byte[]? LiteralBytes { get; private init; }

    /// <summary>A large literal (APPEND) spooled to memory or disk.</summary>
    public MessageSpool? LiteralSpool { get; private init; }

    /// <summary>Whether this is the atom NIL.</summary>
    public bool IsNil => Kind == ImapTokenKind.Atom && (_text is null && _arena is not null ? System.Text.Ascii.EqualsIgnoreCase(_arena.Span(_start, _length), "NIL"u8) : Text.Equals("NIL", StringComparison.OrdinalIgnoreCase));

    /// <summary>For arena tokens: the raw octets (escapes not removed), without making a string.</summary>
    internal ReadOnlySpan<byte> RawSpan => _arena is null ? default : _arena.Span(_start, _length);

    /// <summary>Points a pooled token at a range of the arena's command octets.</summary>
    internal void Set(ImapTokenKind kind, ImapParseArena arena, int start, int length, bool escaped, IReadOnlyList<ImapToken>? items)
    {
        Kind = kind;
        _arena = arena;
        _start = start;
        _length = length;
        _escaped = escaped;
        _text = null;
        Items = items ?? [];
        IsLiteral = false;
    }

    /// <summary>Makes an atom.</summary>
    /// <returns>The token.</returns>
    public static ImapToken Atom(string text) => new(ImapTokenKind.Atom, text, null, false);

    /// <summary>Makes a quoted string.</summary>
    /// <param name="text">The string's value, without its quotes and escapes.</param>
    /// <returns>The token.</returns>
    public static ImapToken Quoted(string text) => new(ImapTokenKind.String, text, null, false);

    /// <summary>Makes a literal.</summary>
    /// <param name="bytes">The octets, or null when spooled.</param>
    /// <param name="spool">The spool for a large literal.</param>
    /// <returns>The token.</returns>
    public static ImapToken Literal(byte[]? bytes, MessageSpool? spool) =>
        new(ImapTokenKind.String, bytes is null ? string.Empty : System.Text.Encoding.UTF8.GetString(bytes), null, true) { LiteralBytes = bytes, LiteralSpool = spool };

    /// <summary>Makes a list.</summary>
    /// <param name="items">The items, in order; nested lists are tokens of this kind.</param>
    /// <returns>The token.</returns>
    public static ImapToken List(IReadOnlyList<ImapToken> items) => new(ImapTokenKind.List, string.Empty, items, false);

    /// <summary>Opens the content of a string token (APPEND message data).</summary>
    /// <returns>A stream over the octets.</returns>
    public Stream OpenContent() => LiteralSpool?.OpenRead() ?? new MemoryStream(LiteralBytes ?? System.Text.Encoding.UTF8.GetBytes(Text), writable: false);

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        ImapTokenKind.List => "(" + string.Join(' ', Items) + ")",
        ImapTokenKind.String => "\"" + Text + "\"",
        _ => Text,
    };
}
