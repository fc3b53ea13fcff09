namespace MailKitServer.Imap.Fetch;

/// <summary>One FETCH data item, parsed once per command.</summary>
/// <param name="Kind">The item.</param>
/// <param name="Section">The section for BODY[...], BINARY[...] and BINARY.SIZE[...].</param>
/// <param name="Lazy">PREVIEW (LAZY): only a preview at hand (RFC 8970 §4.1).</param>
internal sealed record FetchItem(FetchItemKind Kind, BodySection? Section = null, bool Lazy = false)
{
    /// <summary>Whether fetching the item sets \Seen (RFC 9051 §6.4.5: BODY[...], BINARY[...], RFC822, RFC822.TEXT).</summary>
    public bool SetsSeen => Kind is FetchItemKind.Rfc822 or FetchItemKind.Rfc822Text
        || (Kind is FetchItemKind.BodySection or FetchItemKind.Binary && Section is { Peek: false });

    /// <summary>Whether the item needs the message's parsed structure.</summary>
    public bool NeedsStructure => Kind is FetchItemKind.Body or FetchItemKind.BodyStructure or FetchItemKind.Rfc822Header
        or FetchItemKind.Rfc822Text or FetchItemKind.Binary or FetchItemKind.BinarySize
        || (Kind == FetchItemKind.BodySection && Section is { } s && (s.Part.Count > 0 || s.Spec != SectionSpec.Whole));
}
