using System.Buffers;
using System.Collections;
using MailKitServer.Imap.Structure;

namespace MailKitServer.Imap.Search;

/// <summary>
/// The text parts of a message read whole, decoded one by one as a SEARCH key asks for them and kept once decoded:
/// a TEXT key that finds its string in the header, or a BODY key that finds it in the first part, decodes no more
/// (issue 24: most of the messages a SEARCH TEXT over a large mailbox finds match in their header).
/// </summary>
/// <param name="content">The whole message (it must stay valid while the texts are asked for).</param>
/// <param name="parts">Its text parts, in order.</param>
internal sealed class DecodedTextParts(ReadOnlyMemory<byte> content, IReadOnlyList<StructurePart> parts) : IEnumerable<string>
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

    /// <summary>
    /// Whether some text part holds <paramref name="needle"/>, ignoring case, as the decoded texts would answer with
    /// <see cref="StringComparison.OrdinalIgnoreCase"/>; for an ASCII needle a part in UTF-8 (or ASCII and its
    /// supersets) is searched in its transfer-decoded octets, without making its text (<see cref="AsciiTextSearch"/>).
    /// </summary>
    /// <param name="needle">The SEARCH string.</param>
    /// <returns>Whether it is there.</returns>
    public bool AnyContains(string needle)
    {
        var octets = AsciiTextSearch.NeedleOctets(needle);
        for (var i = 0; i < parts.Count; i++)
        {
            if (_decoded[i] is null && octets is not null && OctetsContain(i, octets) is { } found)
            {
                if (found)
                {
                    return true;
                }

                continue;
            }

            if ((_decoded[i] ??= Decode(parts[i])).Contains(needle, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether part <paramref name="i"/>'s transfer-decoded octets hold the ASCII needle, or null when its charset
    /// leaves the answer to its text (then the text is made and kept). Quoted-printable is decoded into a pooled
    /// buffer; base64 and quoted-printable are decoded as <see cref="TransferDecoding.Decode"/> does, anything else
    /// is searched as it stands.
    /// </summary>
    private bool? OctetsContain(int i, byte[] needle)
    {
        var part = parts[i];
        var charset = part.ContentType["charset"];
        var body = Body(part);
        switch (part.TransferEncoding)
        {
            case "quoted-printable":
                var buffer = ArrayPool<byte>.Shared.Rent(body.Length);
                try
                {
                    return Search(buffer.AsSpan(0, TransferDecoding.DecodeQuotedPrintable(body, buffer)));
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }

            case "base64":
                return Search(TransferDecoding.Decode(body, "base64"));
            default:
                return Search(body);
        }

        bool? Search(ReadOnlySpan<byte> decoded)
        {
            if (AsciiTextSearch.CanSearchOctets(charset, decoded))
            {
                return AsciiTextSearch.Contains(decoded, needle);
            }

            _decoded[i] = TransferDecoding.ToText(decoded, charset);
            return null;
        }
    }

    private string Decode(StructurePart part) => SearchTexts.DecodeText(part, Body(part));

    private ReadOnlySpan<byte> Body(StructurePart part)
    {
        var start = (int)Math.Min(part.BodyOffset, content.Length);
        return content.Span.Slice(start, (int)Math.Min(part.BodySize, content.Length - start));
    }
}
