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

    private static char HexUpper(int nibble) => (char)(nibble < 10 ? '0' + nibble : 'A' + nibble - 10);
}
