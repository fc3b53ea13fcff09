using System.Text;
using MimeKit;
using MimeKit.Cryptography;

namespace MailKitServer.Smtp.SenderAuth.Signing;

/// <summary>
/// Signs submitted mail with the key of its author's domain, using MimeKit's <see cref="DkimSigner"/> (relaxed/relaxed,
/// RFC 6376 §3.4). Only the DKIM-Signature field is produced: the session prepends it to the octets as received, which
/// stay as they were. Signs the header fields RFC 6376 §5.4.1 recommends that the message has, and From once more than
/// it has (§5.4.2 oversigning), so a From added on the way breaks the signature.
/// </summary>
internal sealed class OutboundDkimSigner(IReadOnlyList<DkimSigningKey> keys)
{
    private static readonly string[] Recommended =
    [
        "From", "Reply-To", "Subject", "Date", "To", "Cc", "Resent-Date", "Resent-From", "Resent-To", "Resent-Cc",
        "In-Reply-To", "References", "List-Id", "List-Help", "List-Unsubscribe", "List-Subscribe", "List-Post",
        "List-Owner", "List-Archive", "Message-ID", "MIME-Version", "Content-Type", "Content-Transfer-Encoding",
    ];

    /// <summary>
    /// The header fields to sign: those RFC 6376 §5.4.1 recommends that the message has, and From once more (§5.4.2).
    /// </summary>
    /// <returns>The field names.</returns>
    public static List<string> SignedFields(MimeMessage message) => Recommended.Where(n => message.Headers.Contains(n)).Append("From").ToList();

    /// <summary>
    /// Signs a message when a key suits its From domain (the same domain or a parent of it, the longest first).
    /// </summary>
    /// <param name="content">The message as received (without our trace fields); seekable.</param>
    /// <param name="cancellationToken">Cancels the parse.</param>
    /// <returns>The DKIM-Signature field with its CRLF, or <see langword="null"/> when no key suits or the message cannot be parsed.</returns>
    public async Task<(byte[] Field, DkimSigningKey Key)?> SignAsync(Stream content, CancellationToken cancellationToken)
    {
        if ((await SpooledMessage.ParseAsync(content, cancellationToken).ConfigureAwait(false)).Message is not { } message)
        {
            return null;
        }

        // One author domain (RFC 7489 §6.6.1 evaluates a single From); without one there is nothing to align with.
        var authors = message.From.Mailboxes.Select(m => m.Domain.TrimEnd('.').ToLowerInvariant()).Distinct().ToList();
        if (authors.Count != 1 || message.Headers.Count(h => h.Id == HeaderId.From) != 1)
        {
            return null;
        }

        var key = keys.Where(k => DomainNames.IsSameOrSubdomain(authors[0], k.Domain)).MaxBy(k => k.Domain.Length);
        if (key is null)
        {
            return null;
        }

        var signer = new DkimSigner(key.PrivateKey, key.Domain, key.Selector, key.SignatureAlgorithm)
        {
            HeaderCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed,
            BodyCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed,
        };
        var names = SignedFields(message);
        var format = FormatOptions.Default.Clone();
        format.NewLineFormat = NewLineFormat.Dos;
        signer.Sign(format, message, names);
        var signature = message.Headers.First(h => h.Id == HeaderId.DkimSignature);
        var field = Encoding.ASCII.GetBytes(WireField.Format(signature));
        return (field, key);
    }
}
