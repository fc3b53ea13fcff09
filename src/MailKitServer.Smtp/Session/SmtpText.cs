using System.Text;

namespace MailKitServer.Smtp.Session;

/// <summary>Turns command octets into strings at the seam: strict UTF-8, invalid input refused rather than replaced.</summary>
internal static class SmtpText
{
    private static readonly UTF8Encoding StrictUtf8 = new(false, throwOnInvalidBytes: true);

    public static bool TryDecode(ReadOnlySpan<byte> bytes, out string text)
    {
        try
        {
            text = StrictUtf8.GetString(bytes);
            return true;
        }
        catch (DecoderFallbackException)
        {
            text = string.Empty;
            return false;
        }
    }
}
