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
    }
}
