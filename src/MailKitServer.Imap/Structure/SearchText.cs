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

    /// <summary>
    /// Whether <see cref="Headers"/> of the entity holds <paramref name="text"/>, ignoring case, without making that
    /// text when it need not: a text with no colon, no line break and no leading space can only be found within one
    /// field's name or within its decoded value (the <c>": "</c> between them and the line ends hold those), so each is
    /// looked at alone. SEARCH TEXT made the whole header's text of every part of every message (issue 24).
    /// </summary>
    /// <param name="entity">The message, or one of its parts.</param>
    /// <param name="text">The text searched for.</param>
    /// <returns>Whether it is there.</returns>
    public static bool HeadersContain(StructurePart entity, string text)
    {
        ArgumentNullException.ThrowIfNull(entity);
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0 || text[0] == ' ' || text.AsSpan().IndexOfAny(':', '\n') >= 0)
        {
            return Headers(entity).Contains(text, StringComparison.OrdinalIgnoreCase);
        }

        var headers = entity.Headers;
        for (var i = 0; i < headers.Count; i++)
        {
            if (headers[i].Name.Contains(text, StringComparison.OrdinalIgnoreCase) || EncodedWords.DecodedContains(headers[i].Value, text))
            {
                return true;
            }
        }

        return false;
    }
}
