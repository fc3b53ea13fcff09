using System.Text;

namespace MailKitServer.Imap.Threading;

/// <summary>
/// Finds the msg-ids (RFC 5322 §3.6.4, with the obsolete forms of §4.5.4) in Message-ID, References and
/// In-Reply-To values and normalises them as RFC 5256 §3 (REFERENCES) requires: quoting, escapes, comments and
/// folding white space removed, so <c>&lt;"01KF8JCEOCBS0045PS"@xxx.yyy.com&gt;</c> and
/// <c>&lt;01KF8JCEOCBS0045PS@xxx.yyy.com&gt;</c> are the same id. The result is <c>left@right</c>, compared
/// case-sensitively.
/// </summary>
internal static class MessageIdParser
{
    /// <summary>A header naming more ids than this is not a real References field; the first ones are kept.</summary>
    public const int MaxIds = 1000;

    /// <summary>The first valid msg-id in a value, or <see langword="null"/>.</summary>
    /// <param name="value">A header value.</param>
    /// <returns>The normalised id.</returns>
    public static string? First(string? value)
    {
        if (value is null)
        {
            return null;
        }

        var position = 0;
        return Next(value, ref position);
    }

    /// <summary>Every valid msg-id in a value, in order (at most <see cref="MaxIds"/>).</summary>
    /// <param name="value">A header value.</param>
    /// <returns>The normalised ids.</returns>
    public static List<string> All(string? value)
    {
        var ids = new List<string>();
        if (value is null)
        {
            return ids;
        }

        var position = 0;
        while (ids.Count < MaxIds && Next(value, ref position) is { } id)
        {
            ids.Add(id);
        }

        return ids;
    }

    private static string? Next(string value, ref int position)
    {
        while (position < value.Length)
        {
            var open = value.IndexOf('<', position);
            if (open < 0)
            {
                position = value.Length;
                return null;
            }

            if (TryParse(value, open + 1, out var id, out var end))
            {
                position = end;
                return id;
            }

            position = open + 1;
        }

        return null;
    }

    /// <summary>Parses id-left "@" id-right "&gt;" starting after the "&lt;".</summary>
    private static bool TryParse(string s, int i, out string id, out int end)
    {
        id = string.Empty;
        end = i;
        var sb = new StringBuilder();
        var sawAt = false;
        var sawRight = false;
        while (i < s.Length)
        {
            var c = s[i];
            switch (c)
            {
                case '>':
                    if (!sawAt || !sawRight || sb[0] == '@')
                    {
                        return false;
                    }

                    id = sb.ToString();
                    end = i + 1;
                    return true;
                case '<':
                    return false;
                case '@':
                    if (sawAt)
                    {
                        return false;
                    }

                    sawAt = true;
                    sb.Append('@');
                    i++;
                    break;
                case ' ' or '\t' or '\r' or '\n':
                    // Folding white space between the obsolete form's words is not part of the id.
                    i++;
                    break;
                case '(':
                    if (!SkipComment(s, ref i))
                    {
                        return false;
                    }

                    break;
                case '"' when !sawAt:
                    // A quoted-string local part (obs-id-left): its content, unescaped.
                    if (!AppendQuoted(s, ref i, sb))
                    {
                        return false;
                    }

                    break;
                case '[' when sawAt:
                    // A domain literal (no-fold-literal / obs-id-right), kept with its brackets.
                    if (!AppendDomainLiteral(s, ref i, sb))
                    {
                        return false;
                    }

                    sawRight = true;
                    break;
                case '"' or '[' or ']' or ')' or ',' or ';' or ':' or '\\':
                    return false;
                default:
                    if (char.IsControl(c))
                    {
                        return false;
                    }

                    sb.Append(c);
                    sawRight |= sawAt;
                    i++;
                    break;
            }
        }

        return false;
    }

    /// <summary>Appends a quoted string's content, unescaped, from its opening quote to after its closing one.</summary>
    /// <returns>Whether the string was closed.</returns>
    private static bool AppendQuoted(string s, ref int i, StringBuilder sb)
    {
        for (i++; i < s.Length && s[i] != '"'; i++)
        {
            if (s[i] == '\\' && i + 1 < s.Length)
            {
                i++;
            }

            sb.Append(s[i]);
        }

        if (i >= s.Length)
        {
            return false;
        }

        i++;
        return true;
    }

    /// <summary>Appends a domain literal with its brackets, from its "[" to after its "]".</summary>
    /// <returns>Whether the literal was closed.</returns>
    private static bool AppendDomainLiteral(string s, ref int i, StringBuilder sb)
    {
        var close = s.IndexOf(']', i);
        if (close < 0)
        {
            return false;
        }

        sb.Append(s, i, close - i + 1);
        i = close + 1;
        return true;
    }

    /// <summary>Skips a comment (nested comments counted, not recursed).</summary>
    private static bool SkipComment(string s, ref int i)
    {
        var depth = 0;
        for (; i < s.Length; i++)
        {
            switch (s[i])
            {
                case '\\':
                    i++;
                    break;
                case '(':
                    depth++;
                    break;
                case ')':
                    if (--depth == 0)
                    {
                        i++;
                        return true;
                    }

                    break;
            }
        }

        return false;
    }
}
