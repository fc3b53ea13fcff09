using System.Numerics;

namespace MailKitServer.Imap.Parsing;

/// <summary>
/// Where an atom ends, for the byte parser of command lines (<see cref="ImapCommandParser"/>) and the string tokenizer
/// of commands read with literals (<see cref="ImapTokenizer"/>): one rule for both, over bytes or characters.
/// </summary>
internal static class ImapAtom
{
    /// <summary>
    /// Where the atom starting at <paramref name="start"/> ends. A balanced "[...]" (a FETCH section, a response code)
    /// may hold spaces and parentheses; an unclosed "[" is an ordinary atom character (a mailbox name such as "a[b").
    /// </summary>
    public static int End<T>(ReadOnlySpan<T> text, int start)
        where T : unmanaged, IBinaryInteger<T>
    {
        var i = start;
        var depth = 0;
        while (i < text.Length)
        {
            var ch = int.CreateTruncating(text[i]);
            if (ch == '[')
            {
                depth++;
            }
            else if (ch == ']' && depth > 0)
            {
                depth--;
            }
            else if (depth == 0 && IsEnd(ch))
            {
                break;
            }

            i++;
        }

        if (depth != 0)
        {
            for (i = start; i < text.Length && !IsEnd(int.CreateTruncating(text[i])); i++)
            {
            }
        }

        return i;
    }

    /// <summary>
    /// An atom-special that ends an atom (RFC 3501 §9: SP, "(", ")", DQUOTE, CTL; "[" and "]" are handled above) or the
    /// marker a literal left in the text. Octets and characters above 0x7F belong to the atom (UTF-8 mailbox names).
    /// </summary>
    private static bool IsEnd(int ch) => ch is ' ' or '(' or ')' or '"' or ImapTokenizer.LiteralMarker || ch < 0x20 || ch == 0x7F;
}
