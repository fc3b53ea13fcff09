using System.Collections;
using MailKitServer.Imap.Structure;

namespace MailKitServer.Imap.Search;

/// <summary>
/// The text parts of a message read whole, decoded one by one as a SEARCH key asks for them and kept once decoded:
/// a TEXT key that finds its string in the header, or a BODY key that finds it in the first part, decodes no more
/// (issue 24: most of the messages a SEARCH TEXT over a large mailbox finds match in their header).
/// </summary>
/// <param name="content">The whole message.</param>
/// <param name="parts">Its text parts, in order.</param>
internal sealed class DecodedTextParts(byte[] content, IReadOnlyList<StructurePart> parts) : IEnumerable<string>
{
    private readonly string?[] _decoded = new string?[parts.Count];

    public IEnumerator<string> GetEnumerator()
    {
        for (var i = 0; i < parts.Count; i++)
        {
            yield return _decoded[i] ??= Decode(parts[i]);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private string Decode(StructurePart part)
    {
        var start = (int)Math.Min(part.BodyOffset, content.Length);
        return SearchTexts.DecodeText(part, content.AsSpan(start, (int)Math.Min(part.BodySize, content.Length - start)));
    }
}
