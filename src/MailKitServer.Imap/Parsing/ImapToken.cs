using MailKitServer.Runtime;

namespace MailKitServer.Imap.Parsing;

/// <summary>One token of an IMAP command.</summary>
public sealed class ImapToken
{
    private ImapToken(ImapTokenKind kind, string text, IReadOnlyList<ImapToken>? items, bool isLiteral)
    {
        Kind = kind;
        Text = text;
        Items = items ?? [];
        IsLiteral = isLiteral;
    }

    /// <summary>The kind.</summary>
    public ImapTokenKind Kind { get; }

    /// <summary>The atom or string text (a literal decoded as UTF-8).</summary>
    public string Text { get; }

    /// <summary>The items of a list.</summary>
    public IReadOnlyList<ImapToken> Items { get; }

    /// <summary>Whether the string came as a literal.</summary>
    public bool IsLiteral { get; }

    /// <summary>A literal's octets, when small enough to be held.</summary>
    public byte[]? LiteralBytes { get; private init; }

    /// <summary>A large literal (APPEND) spooled to memory or disk.</summary>
    public MessageSpool? LiteralSpool { get; private init; }

    /// <summary>Whether this is the atom NIL.</summary>
    public bool IsNil => Kind == ImapTokenKind.Atom && Text.Equals("NIL", StringComparison.OrdinalIgnoreCase);

    /// <summary>Makes an atom.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The token.</returns>
    public static ImapToken Atom(string text) => new(ImapTokenKind.Atom, text, null, false);

    /// <summary>Makes a quoted string.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The token.</returns>
    public static ImapToken Quoted(string text) => new(ImapTokenKind.String, text, null, false);

    /// <summary>Makes a literal.</summary>
    /// <param name="bytes">The octets, or null when spooled.</param>
    /// <param name="spool">The spool for a large literal.</param>
    /// <returns>The token.</returns>
    public static ImapToken Literal(byte[]? bytes, MessageSpool? spool) =>
        new(ImapTokenKind.String, bytes is null ? string.Empty : System.Text.Encoding.UTF8.GetString(bytes), null, true) { LiteralBytes = bytes, LiteralSpool = spool };

    /// <summary>Makes a list.</summary>
    /// <param name="items">The items.</param>
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
