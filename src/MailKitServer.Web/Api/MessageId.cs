using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace MailKitServer.Web.Api;

/// <summary>
/// A message's id in the API: the account, the mailbox, its UIDVALIDITY and the UID, in one URL-safe token so a
/// client never builds paths from mailbox names (which may hold <c>/</c> or anything else).
/// </summary>
internal sealed record MessageId(string User, string Mailbox, uint UidValidity, uint Uid)
{
    /// <summary>The longest token accepted; a longer one is refused before it is decoded.</summary>
    private const int MaxTokenLength = 1400;

    public override string ToString() =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{User}\n{Mailbox}\n{UidValidity}\n{Uid}")));

    public static bool TryParse(string? token, out MessageId id)
    {
        id = null!;
        if (string.IsNullOrEmpty(token) || token.Length > MaxTokenLength)
        {
            return false;
        }

        byte[] bytes;
        try
        {
            bytes = Base64Url.DecodeFromChars(token);
        }
        catch (FormatException)
        {
            return false;
        }

        string text;
        try
        {
            text = new UTF8Encoding(false, true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return false;
        }

        var parts = text.Split('\n');
        if (parts.Length != 4 || parts[0].Length == 0 || parts[1].Length == 0 || parts[0].Contains('\0', StringComparison.Ordinal) || parts[1].Contains('\0', StringComparison.Ordinal)
            || !uint.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var validity)
            || !uint.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var uid) || uid == 0)
        {
            return false;
        }

        id = new MessageId(parts[0], parts[1], validity, uid);
        return true;
    }
}
