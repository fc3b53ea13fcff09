using System.Text;
using MimeKit;

namespace MailKitServer.Smtp.SenderAuth;

/// <summary>
/// A header field MimeKit made, as octets for the wire. MimeKit folds the fields it creates (DKIM-Signature, the ARC
/// set) with the platform's line ending, which is a bare LF on Linux; every line of a message ends in CRLF (RFC 5322
/// §2.2.3). Signatures over such fields use relaxed header canonicalization, where folding does not count.
/// </summary>
internal static class WireField
{
    /// <summary>The field's name, colon and value with every line ending made CRLF, ending in CRLF.</summary>
    public static string Format(Header header) =>
        header.Field + ":" + Encoding.ASCII.GetString(header.RawValue).ReplaceLineEndings("\r\n");
}
