using System.Text;

namespace MailKitServer.Storage;

/// <summary>Mailbox names in modified UTF-7 (RFC 3501 §5.1.3): "&amp;" shifts to modified base64 of UTF-16, "&amp;-" is "&amp;".</summary>
internal static class ModifiedUtf7
{
    /// <summary>Encodes a name for the wire (or, shifting "." and "/" too, for a Maildir++ folder level on disk).</summary>
    /// <param name="name">The mailbox name as Unicode text.</param>
    /// <param name="alsoShift">Printable characters to encode as well.</param>
    /// <returns>The encoded name.</returns>
    public static string Encode(string name, string alsoShift = "")
    {
        ArgumentNullException.ThrowIfNull(name);
        var sb = new StringBuilder();
        var pending = new StringBuilder();
        void Flush()
        {
            if (pending.Length == 0)
            {
                return;
            }

            var b64 = Convert.ToBase64String(Encoding.BigEndianUnicode.GetBytes(pending.ToString())).TrimEnd('=').Replace('/', ',');
            sb.Append('&').Append(b64).Append('-');
            pending.Clear();
        }

        foreach (var c in name)
        {
            if (c is >= (char)0x20 and <= (char)0x7e && !alsoShift.Contains(c, StringComparison.Ordinal))
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

    /// <summary>Decodes a name from the wire.</summary>
    /// <param name="text">The encoded name.</param>
    /// <param name="name">The decoded name; <paramref name="text"/> itself when the encoding is invalid.</param>
    /// <returns><see langword="false"/> when the encoding is invalid.</returns>
    public static bool TryDecode(string text, out string name)
    {
        ArgumentNullException.ThrowIfNull(text);
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
