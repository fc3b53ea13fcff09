using System.Text;

namespace MailKitServer.Storage.Maildir;

/// <summary>
/// The name of a user's folder under the store's root, made from the user id by a reversible encoding, so two users
/// never share a Maildir. ASCII letters are lower-cased (ids that differ only in ASCII case are one user, as the
/// in-memory store compares them); ASCII letters, digits and <c>@ . - _ +</c> stay as they are, so plain ASCII ids
/// keep the folders earlier versions gave them; every other character is written as <c>%XX</c> per UTF-8 octet, and
/// so is a leading dot (no hidden folder, no <c>.</c> or <c>..</c>, nothing that collides with the store's own
/// <c>.queue</c>).
/// </summary>
internal static class MaildirUserFolder
{
    private const int MaxNameLength = 255;
    private static readonly UTF8Encoding StrictUtf8 = new(false, throwOnInvalidBytes: true);

    /// <summary>The folder name for <paramref name="userId"/>.</summary>
    /// <exception cref="ArgumentException">The id is empty, not valid UTF-16, or its folder name would be longer than a file name may be.</exception>
    public static string Encode(string userId)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        var sb = new StringBuilder(userId.Length);
        Span<byte> octets = stackalloc byte[4];
        for (var i = 0; i < userId.Length; i++)
        {
            var c = userId[i];
            if (char.IsAsciiLetterUpper(c))
            {
                sb.Append(char.ToLowerInvariant(c));
            }
            else if ((char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '@' or '.' or '-' or '_' or '+') && !(i == 0 && c == '.'))
            {
                sb.Append(c);
            }
            else
            {
                var length = char.IsHighSurrogate(c) && i + 1 < userId.Length ? 2 : 1;
                int count;
                try
                {
                    count = StrictUtf8.GetBytes(userId.AsSpan(i, length), octets);
                }
                catch (EncoderFallbackException ex)
                {
                    throw new ArgumentException("The user id is not valid UTF-16.", nameof(userId), ex);
                }

                foreach (var b in octets[..count])
                {
                    sb.Append('%').Append(HexUpper(b >> 4)).Append(HexUpper(b & 0xF));
                }

                i += length - 1;
            }
        }

        if (sb.Length > MaxNameLength)
        {
            throw new ArgumentException($"The user id's folder name would be longer than {MaxNameLength} characters.", nameof(userId));
        }

        return sb.ToString();
    }

    /// <summary>The user id a folder name was made from (lower-cased, as <see cref="Encode"/> keeps it), or <see langword="null"/> for a name it cannot have made.</summary>
    /// <param name="folderName">The folder name under the store's root.</param>
    /// <returns>The user id, or <see langword="null"/>.</returns>
    public static string? Decode(string folderName)
    {
        if (folderName.Length == 0 || folderName.StartsWith('.'))
        {
            return null;
        }

        var octets = new List<byte>(folderName.Length);
        for (var i = 0; i < folderName.Length; i++)
        {
            var c = folderName[i];
            if (c == '%' && i + 2 < folderName.Length && byte.TryParse(folderName.AsSpan(i + 1, 2), System.Globalization.NumberStyles.AllowHexSpecifier, null, out var b))
            {
                octets.Add(b);
                i += 2;
            }
            else if (c < 0x80)
            {
                octets.Add((byte)c);
            }
            else
            {
                return null;
            }
        }

        try
        {
            return StrictUtf8.GetString(octets.ToArray());
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    private static char HexUpper(int nibble) => (char)(nibble < 10 ? '0' + nibble : 'A' + nibble - 10);
}
