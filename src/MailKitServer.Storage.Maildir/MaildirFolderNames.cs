using System.Text;

namespace MailKitServer.Storage.Maildir;

/// <summary>
/// Mailbox names to Maildir++ folders (the layout Dovecot reads): INBOX is the Maildir itself, <c>a/b</c> is
/// <c>.a.b</c>, each level in modified UTF-7 with "." escaped, so no name can reach outside the Maildir.
/// </summary>
internal static class MaildirFolderNames
{
    public static string ToDirectory(string root, string mailbox)
    {
        if (mailbox == MailboxName.Inbox)
        {
            return root;
        }

        var levels = mailbox.Split(MailboxName.Separator).Select(Encode);
        return Path.Combine(root, "." + string.Join('.', levels));
    }

    public static string? FromDirectory(string directoryName)
    {
        if (!directoryName.StartsWith('.') || directoryName is "." or "..")
        {
            return null;
        }

        var levels = directoryName[1..].Split('.');
        var decoded = new List<string>();
        foreach (var level in levels)
        {
            if (level.Length == 0 || !TryDecode(level, out var name))
            {
                return null;
            }

            decoded.Add(name);
        }

        var mailbox = string.Join(MailboxName.Separator, decoded);
        return MailboxName.TryNormalize(mailbox, out var normalized) ? normalized : null;
    }

    private static string Encode(string level)
    {
        // Modified UTF-7 (RFC 3501 §5.1.3) on disk, as Dovecot stores names; "." would split the level, so it is shifted too.
        var sb = new StringBuilder();
        var pending = new StringBuilder();
        void Flush()
        {
            if (pending.Length > 0)
            {
                sb.Append('&').Append(Convert.ToBase64String(Encoding.BigEndianUnicode.GetBytes(pending.ToString())).TrimEnd('=').Replace('/', ',')).Append('-');
                pending.Clear();
            }
        }

        foreach (var c in level)
        {
            if (c is >= (char)0x20 and <= (char)0x7e && c != '.' && c != '/')
            {
                Flush();
                sb.Append(c == '&' ? "&-" : c.ToString());
            }
            else
            {
                pending.Append(c);
            }
        }

        Flush();
        return sb.ToString();
    }

    private static bool TryDecode(string text, out string name)
    {
        var sb = new StringBuilder();
        name = text;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '&')
            {
                sb.Append(text[i]);
                continue;
            }

            var end = text.IndexOf('-', i + 1);
            if (end < 0)
            {
                return false;
            }

            if (end == i + 1)
            {
                sb.Append('&');
            }
            else
            {
                var b64 = text[(i + 1)..end].Replace(',', '/');
                b64 = b64.PadRight(b64.Length + ((4 - (b64.Length % 4)) % 4), '=');
                try
                {
                    sb.Append(Encoding.BigEndianUnicode.GetString(Convert.FromBase64String(b64)));
                }
                catch (FormatException)
                {
                    return false;
                }
            }

            i = end;
        }

        name = sb.ToString();
        return true;
    }
}
