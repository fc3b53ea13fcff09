using MailKitServer.Imap.Session;
using MailKitServer.Imap.Structure;

namespace MailKitServer.Imap.Search;

/// <summary>
/// The decoded text of a message's text parts for SEARCH BODY and TEXT, read part by part from the store: only the
/// text parts' octets are read, never the whole message (attachments are skipped).
/// </summary>
internal static class SearchTexts
{
    /// <summary>
    /// Messages up to this size whose structure is not cached are read once, whole, for BODY and TEXT: parsing the
    /// structure and then reading each text part again cost two or three opens of the file per message (issue 24:
    /// SEARCH TEXT over 20,000 messages). Larger ones keep the part-by-part reads that skip their attachments.
    /// </summary>
    public const long ReadWholeBelow = 256 * 1024;

    /// <summary>
    /// The message whole, for a message whose structure is not cached and which is small enough
    /// (<see cref="ReadWholeBelow"/>): one read into a pooled array, never more than the bound held (the size is not
    /// looked up first: a stat cost about what the read does, issue 24). The caller disposes it once matched.
    /// </summary>
    /// <param name="selected">The mailbox.</param>
    /// <param name="uid">The message.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The octets; null when the store no longer has the message or it is longer than the bound (then the
    /// caller parses it from a stream instead).</returns>
    public static ValueTask<PooledMessage?> LoadWholeAsync(SelectedMailbox selected, uint uid, CancellationToken cancellationToken) =>
        selected.LoadPooledAsync(uid, (int)ReadWholeBelow, cancellationToken);

    /// <summary>The structure (cached, else parsed from the octets) and the text parts, decoded as they are asked for.</summary>
    /// <param name="selected">The mailbox.</param>
    /// <param name="uid">The message.</param>
    /// <param name="content">The whole message (<see cref="LoadWholeAsync"/>), valid while the texts are used.</param>
    /// <returns>The structure and the texts.</returns>
    public static (StructurePart Root, DecodedTextParts Texts) Parse(SelectedMailbox selected, uint uid, ReadOnlyMemory<byte> content)
    {
        var root = selected.StructureOf(uid, content.Span);
        return (root, new DecodedTextParts(content, [.. TextParts(root)]));
    }

    private static IEnumerable<StructurePart> TextParts(StructurePart root) =>
        root.Descendants().Where(p => p.ContentType.MediaType == "text" && p.BodySize > 0);

    /// <summary>A text part's body, transfer-decoded and read in its charset.</summary>
    /// <param name="part">The part.</param>
    /// <param name="body">Its body's octets.</param>
    /// <returns>The text.</returns>
    internal static string DecodeText(StructurePart part, ReadOnlySpan<byte> body) =>
        TransferDecoding.ToText(TransferDecoding.Decode(body, part.TransferEncoding), part.ContentType["charset"]);

    /// <summary>Reads and decodes every text part (encapsulated messages included), in order.</summary>
    /// <param name="selected">The mailbox.</param>
    /// <param name="uid">The message.</param>
    /// <param name="root">Its structure.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>The texts, or null when the store no longer has the message.</returns>
    public static async ValueTask<IReadOnlyList<string>?> LoadAsync(SelectedMailbox selected, uint uid, StructurePart root, CancellationToken cancellationToken)
    {
        var texts = new List<string>();
        foreach (var part in TextParts(root))
        {
            var body = await selected.LoadAsync(uid, part.BodyOffset, part.BodySize, cancellationToken).ConfigureAwait(false);
            if (body is null)
            {
                return null;
            }

            texts.Add(DecodeText(part, body));
        }

        return texts;
    }
}
