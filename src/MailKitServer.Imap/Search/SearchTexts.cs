using MailKitServer.Imap.Session;
using MailKitServer.Imap.Structure;

namespace MailKitServer.Imap.Search;

/// <summary>
/// The decoded text of a message's text parts for SEARCH BODY and TEXT, read part by part from the store: only the
/// text parts' octets are read, never the whole message (attachments are skipped).
/// </summary>
internal static class SearchTexts
{
    /// <summary>Reads and decodes every text part (encapsulated messages included), in order.</summary>
    /// <param name="selected">The mailbox.</param>
    /// <param name="uid">The message.</param>
    /// <param name="root">Its structure.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>The texts, or null when the store no longer has the message.</returns>
    public static async ValueTask<IReadOnlyList<string>?> LoadAsync(SelectedMailbox selected, uint uid, StructurePart root, CancellationToken cancellationToken)
    {
        var texts = new List<string>();
        foreach (var part in root.Descendants())
        {
            if (part.ContentType.MediaType != "text" || part.BodySize <= 0)
            {
                continue;
            }

            var body = await selected.LoadAsync(uid, part.BodyOffset, part.BodySize, cancellationToken).ConfigureAwait(false);
            if (body is null)
            {
                return null;
            }

            texts.Add(TransferDecoding.ToText(TransferDecoding.Decode(body, part.TransferEncoding), part.ContentType["charset"]));
        }

        return texts;
    }
}
