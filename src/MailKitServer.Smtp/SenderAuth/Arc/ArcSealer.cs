using System.Text;
using MailKitServer.Smtp.SenderAuth.Results;
using MailKitServer.Smtp.SenderAuth.Signing;
using MimeKit;
using MimeKit.Cryptography;

namespace MailKitServer.Smtp.SenderAuth.Arc;

/// <summary>
/// Seals a message this server forwards (an alias or distribution list expanding to a remote address, a Sieve
/// redirect) with an ARC set (RFC 8617 §5.1), so the next hop can trust our Authentication-Results although the
/// forwarding breaks SPF. MimeKit's <see cref="ArcSigner"/> computes the set; its ARC-Authentication-Results is the
/// Authentication-Results field we wrote under our authserv-id when the message arrived. Only the three new fields
/// are produced: the forwarder prepends them to the octets, which stay as they were.
/// </summary>
internal sealed class ArcSealer(IReadOnlyList<DkimSigningKey> keys, string authServId, TimeProvider time)
{
    // RFC 8617 §4.2.1: at most 50 ARC sets.
    private const int MaxInstances = 50;

    /// <summary>
    /// Seals a forwarded message with the RSA key of the forwarding domain (the same domain or a parent, the longest
    /// first; else the first RSA key: ARC allows only rsa-sha256, RFC 8617 §4.1.3).
    /// </summary>
    /// <param name="content">The message as it will be sent (without Return-Path); seekable.</param>
    /// <param name="forwarderDomain">The domain of the address that forwarded it.</param>
    /// <param name="cancellationToken">Cancels the parse.</param>
    /// <returns>
    /// The ARC-Seal, ARC-Message-Signature and ARC-Authentication-Results fields with their CRLFs, or
    /// <see langword="null"/> when there is no RSA key, no Authentication-Results field of ours to attest, the chain
    /// arrived broken, it has 50 sets already, or the message cannot be parsed.
    /// </returns>
    public async Task<byte[]?> SealAsync(Stream content, string forwarderDomain, CancellationToken cancellationToken)
    {
        var rsa = keys.Where(k => k.SignatureAlgorithm == DkimSignatureAlgorithm.RsaSha256).ToList();
        var key = rsa.Where(k => DomainNames.IsSameOrSubdomain(forwarderDomain.TrimEnd('.').ToLowerInvariant(), k.Domain)).MaxBy(k => k.Domain.Length) ?? rsa.FirstOrDefault();
        if (key is null)
        {
            return null;
        }

        if ((await SpooledMessage.ParseAsync(content, cancellationToken).ConfigureAwait(false)).Message is not { } message)
        {
            return null;
        }

        var ours = OurResults(message);
        if (ours is null || message.From.Mailboxes.FirstOrDefault() is null || message.Headers.Count(h => h.Id == HeaderId.ArcSeal) >= MaxInstances)
        {
            return null;
        }

        // RFC 8617 §5.1 step 2: a chain whose most recent seal says cv=fail is not continued. A chain we found broken
        // (our arc=fail) is not sealed either: §5.1.2 would have the new seal cover only its own set, which MimeKit's
        // signer does not do, and an unsealed hop tells the next receiver no more and no less.
        var arc = ours.Results.FirstOrDefault(r => r.Method.Equals("arc", StringComparison.OrdinalIgnoreCase));
        if (arc is not null && arc.Result.Equals("fail", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var signer = new ResultsArcSigner(key, ours, time)
        {
            HeaderCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed,
            BodyCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed,
        };
        var before = message.Headers.Count;
        var format = FormatOptions.Default.Clone();
        format.NewLineFormat = NewLineFormat.Dos;
        try
        {
            await signer.SignAsync(format, message, OutboundDkimSigner.SignedFields(message), cancellationToken).ConfigureAwait(false);
        }
        catch (FormatException)
        {
            // An ARC field of the chain without a usable instance tag: the chain cannot be continued.
            return null;
        }

        if (message.Headers.Count != before + 3)
        {
            return null;
        }

        // MimeKit inserted the set at the top: ARC-Seal, ARC-Message-Signature, ARC-Authentication-Results.
        return Encoding.ASCII.GetBytes(string.Concat(message.Headers.Take(3).Select(WireField.Format)));
    }

    /// <summary>The Authentication-Results field we wrote (the topmost one with our authserv-id), parsed.</summary>
    private AuthenticationResults? OurResults(MimeMessage message)
    {
        foreach (var header in message.Headers.Where(h => h.Id == HeaderId.AuthenticationResults))
        {
            if (string.Equals(AuthenticationResultsField.ReadAuthServId(header.Value), authServId, StringComparison.OrdinalIgnoreCase)
                && AuthenticationResults.TryParse(header.RawValue, out var parsed))
            {
                return parsed;
            }
        }

        return null;
    }

    /// <summary>MimeKit's signer with our recorded results as the ARC-Authentication-Results and the server's clock.</summary>
    private sealed class ResultsArcSigner(DkimSigningKey key, AuthenticationResults results, TimeProvider time)
        : ArcSigner(key.PrivateKey, key.Domain, key.Selector, DkimSignatureAlgorithm.RsaSha256)
    {
        protected override AuthenticationResults GenerateArcAuthenticationResults(FormatOptions options, MimeMessage message, CancellationToken cancellationToken) => results;

        protected override Task<AuthenticationResults> GenerateArcAuthenticationResultsAsync(FormatOptions options, MimeMessage message, CancellationToken cancellationToken) => Task.FromResult(results);

        protected override long GetTimestamp() => time.GetUtcNow().ToUnixTimeSeconds();
    }
}
