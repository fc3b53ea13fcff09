namespace MailKitServer.Imap.Tests.Concurrency;

/// <summary>One token of a server response: an atom (NIL included), a string (quoted or literal, as octets) or a list.</summary>
internal sealed record WireToken(WireTokenKind Kind, string Text, byte[]? Octets, IReadOnlyList<WireToken> Items)
{
    public static WireToken Atom(string text) => new(WireTokenKind.Atom, text, null, []);

    public static WireToken String(byte[] octets) => new(WireTokenKind.String, System.Text.Encoding.UTF8.GetString(octets), octets, []);

    public static WireToken List(IReadOnlyList<WireToken> items) => new(WireTokenKind.List, string.Empty, null, items);

    public bool IsNil => Kind == WireTokenKind.Atom && Text.Equals("NIL", StringComparison.OrdinalIgnoreCase);

    public override string ToString() => Kind switch
    {
        WireTokenKind.List => "(" + string.Join(' ', Items) + ")",
        WireTokenKind.String => "\"" + (Text.Length > 40 ? Text[..40] + "..." : Text) + "\"",
        _ => Text,
    };
}
