using System.Text;
using MailKitServer.Sieve.Execution;

namespace MailKitServer.Sieve.Delivery;

/// <summary>
/// The loop marker of redirected copies (RFC 5228 §4.2 asks for loop control "possibly including adding headers to
/// the message"): each redirect puts <c>X-Sieve-Redirected-By: ADDRESS</c> on top of the copy, naming the recipient
/// whose script redirected it; a message that already names its recipient so is not redirected again. Rules that
/// bounce mail between accounts, on this server or across servers, stop after one round with the message in the
/// first account's mailbox. A sender who forges the field only makes a redirect keep the message instead.
/// </summary>
internal static class RedirectMarker
{
    /// <summary>The field's name.</summary>
    public const string FieldName = "X-Sieve-Redirected-By";

    /// <summary>The field for a copy that <paramref name="recipient"/>'s script redirects, CRLF-terminated.</summary>
    /// <param name="recipient">The envelope recipient whose script redirects.</param>
    /// <returns>The field's octets.</returns>
    public static byte[] Field(string recipient) => Encoding.UTF8.GetBytes($"{FieldName}: {recipient}\r\n");

    /// <summary>Whether <paramref name="message"/> was redirected by <paramref name="recipient"/> before.</summary>
    /// <param name="message">The message's octets; only its header block is read.</param>
    /// <param name="recipient">The envelope recipient whose script would redirect it.</param>
    /// <returns>Whether a marker names the recipient.</returns>
    public static bool IsPresent(SieveMessage message, string recipient) =>
        message.HeaderValues(FieldName).Any(v => string.Equals(v.Trim(), recipient, StringComparison.OrdinalIgnoreCase));
}
