using System.Text;

namespace MailKitServer.Imap.Structure;

/// <summary>
/// Text an IMAP client shows a person (ENVELOPE subject and display names), tidied as Dovecot tidies it: tabs and
/// line ends become spaces, runs of white space one space, none at either end, and a NUL the octet 0x80.
/// </summary>
internal static class HumanText
{
    /// <summary>The tidied text, or <see langword="null"/> for <see langword="null"/>.</summary>
    /// <param name="text">The header text.</param>
    /// <returns>The text for a person.</returns>
    public static string? Tidy(string? text)
    {
        if (text is null || !text.AsSpan().ContainsAny("\t\r\n\0  ") && (text.Length == 0 || (text[0] != ' ' && text[^1] != ' ')))
        {
            return text;
        }

        var sb = new StringBuilder(text.Length);
        var space = false;
        foreach (var c in text)
        {
            if (c is ' ' or '\t' or '\r' or '\n')
            {
                space = sb.Length > 0;
                continue;
            }

            if (space)
            {
                sb.Append(' ');
                space = false;
            }

            sb.Append(c == '\0' ? '\uDC80' : c);
        }

        return sb.ToString();
    }
}
