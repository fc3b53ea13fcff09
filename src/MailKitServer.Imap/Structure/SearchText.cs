using System.Text;

namespace MailKitServer.Imap.Structure;

/// <summary>Decoded header text of a message for searching (IMAP SEARCH TEXT): encoded words decoded. The text parts come from <c>SearchTexts</c>.</summary>
internal static class SearchText
{
    /// <summary>The decoded header text of an entity: <c>Name: value</c> lines.</summary>
    /// <param name="entity">The message, or one of its parts.</param>
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
}
