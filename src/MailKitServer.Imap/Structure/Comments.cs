namespace MailKitServer.Imap.Structure;

/// <summary>RFC 5322 §3.2.2 comments: parenthesised, nestable, with quoted-pairs.</summary>
internal static class Comments
{
    /// <summary>Skips the comment that starts at <paramref name="i"/> (at a "("), leaving <paramref name="i"/> after its ")".</summary>
    public static void Skip(string s, ref int i)
    {
        var depth = 0;
        for (; i < s.Length; i++)
        {
            if (s[i] == '\\')
            {
                i++;
            }
            else if (s[i] == '(')
            {
                depth++;
            }
            else if (s[i] == ')' && --depth == 0)
            {
                i++;
                return;
            }
        }

        // Not closed: the comment runs to the end of the value. A backslash as its last character stepped past the end.
        i = s.Length;
    }

    /// <summary>The text of a comment as written, without its outer parentheses, quoted-pairs undone.</summary>
    public static string Text(string comment)
    {
        var inner = comment.Length >= 2 && comment[^1] == ')' ? comment[1..^1] : comment[1..];
        var sb = new System.Text.StringBuilder(inner.Length);
        for (var i = 0; i < inner.Length; i++)
        {
            if (inner[i] == '\\' && i + 1 < inner.Length)
            {
                i++;
            }

            sb.Append(inner[i]);
        }

        return sb.ToString().Trim();
    }
}
