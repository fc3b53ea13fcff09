using MailKitServer.SenderAuth;
using MailKitServer.Smtp.SenderAuth.Dkim;
using MimeKit;
using MimeKit.Cryptography;

namespace MailKitServer.Smtp.SenderAuth.Arc;

/// <summary>Validates a message's ARC chain (RFC 8617 §5.2) with MimeKit's <see cref="ArcVerifier"/> and keys from DNS.</summary>
internal sealed class ArcChecker(DnsDkimKeyLocator locator)
{
    /// <summary>Validates the chain; a message without ARC sets gives <see cref="ArcResult.None"/>.</summary>
    public async Task<ArcOutcome> VerifyAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        var instances = message.Headers.Count(h => h.Id == HeaderId.ArcSeal);
        if (instances == 0 && !message.Headers.Any(h => h.Id is HeaderId.ArcMessageSignature or HeaderId.ArcAuthenticationResults))
        {
            return new ArcOutcome(ArcResult.None, 0);
        }

        try
        {
            var result = await new ArcVerifier(locator).VerifyAsync(message, cancellationToken).ConfigureAwait(false);
            return result.Chain switch
            {
                ArcSignatureValidationResult.Pass => new ArcOutcome(ArcResult.Pass, instances),
                ArcSignatureValidationResult.None => new ArcOutcome(ArcResult.None, instances),
                _ => new ArcOutcome(ArcResult.Fail, instances, result.ChainErrors == ArcValidationErrors.None ? "the chain did not validate" : result.ChainErrors.ToString()),
            };
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return new ArcOutcome(ArcResult.Fail, instances, ex.Message);
        }
    }
}
