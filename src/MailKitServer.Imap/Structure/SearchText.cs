using System.Text;

namespace MailKitServer.Imap.Structure;

/// <summary>Decoded text of a message for searching (IMAP SEARCH BODY/TEXT): headers with encoded words decoded, text parts through their transfer encoding and charset.</summary>
internal static class SearchText
{
    /// <summary>The decoded header text of an entity: <c>Name: value</c> lines.</summary>
    /// <param name="entity">The entity.</param>
    /// <returns>The text.</returns>
    public static string Headers(StructurePart entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        var sb = new StringBuilder();
        foreach (var h in entity.Headers)
        {
            sb.Append(h.Name).Append(": ").Append(EncodedWords.Decode(h.Value)).Append('\n');
        }

        return sb.ToString();
    }

    /// <summary>The decoded text of every text part (and of encapsulated messages), in order.</summary>
    /// <param name="message">The message octets.</param>
    /// <param name="root">Its parsed structure.</param>
    /// <returns>The texts.</returns>
    public static IEnumerable<string> BodyTexts(ReadOnlyMemory<byte> message, StructurePart root)
    {
        ArgumentNullException.ThrowIfNull(root);
        foreach (var part in root.Descendants())
        {
            if (part.ContentType.MediaType != "text" || part.EndOffset > message.Length)
            {
                continue;
            }

            var body = message.Span[(int)part.BodyOffset..(int)part.EndOffset];
            yield return TransferDecoding.ToText(TransferDecoding.Decode(body, part.TransferEncoding), part.ContentType["charset"]);
        }
    }
}
