namespace MailKitServer.Imap.Tests.Concurrency;

/// <summary>One whole server response (literals included): its first word ("*", "+" or a tag) and its tokens after it.</summary>
internal sealed record WireResponse(string Tag, IReadOnlyList<WireToken> Tokens, string Text)
{
    public bool IsUntagged => Tag == "*";

    /// <summary>The token at a position as upper-case text, or "".</summary>
    public string Word(int i) => i < Tokens.Count && Tokens[i].Kind == WireTokenKind.Atom ? Tokens[i].Text.ToUpperInvariant() : string.Empty;

    public override string ToString() => Text.Length > 300 ? Text[..300] + "..." : Text;
}
