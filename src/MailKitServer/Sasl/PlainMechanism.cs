using System.Text;
using MailKitServer.Users;

namespace MailKitServer.Sasl;

/// <summary>SASL PLAIN (RFC 4616): <c>[authzid] NUL authcid NUL passwd</c> in one message.</summary>
internal sealed class PlainMechanism(IUserDirectory directory) : SaslMechanism
{
    /// <inheritdoc />
    public override string Name => "PLAIN";

    /// <inheritdoc />
    public override bool SendsPasswordInClear => true;

    /// <inheritdoc />
    public override async ValueTask<SaslStep> StepAsync(byte[]? response, CancellationToken cancellationToken)
    {
        if (response is null)
        {
            return SaslStep.Continue([]);
        }

        // RFC 4616 §2: message = [authzid] UTF8NUL authcid UTF8NUL passwd
        var first = Array.IndexOf(response, (byte)0);
        var second = first < 0 ? -1 : Array.IndexOf(response, (byte)0, first + 1);
        if (first < 0 || second < 0 || Array.IndexOf(response, (byte)0, second + 1) >= 0)
        {
            return SaslStep.Malformed;
        }

        string authzid, authcid, password;
        try
        {
            var strict = new UTF8Encoding(false, throwOnInvalidBytes: true);
            authzid = strict.GetString(response, 0, first);
            authcid = strict.GetString(response, first + 1, second - first - 1);
            password = strict.GetString(response, second + 1, response.Length - second - 1);
        }
        catch (DecoderFallbackException)
        {
            return SaslStep.Malformed;
        }

        UserName = authcid;
        if (authcid.Length == 0 || password.Length == 0)
        {
            return SaslStep.Malformed;
        }

        var result = await directory.AuthenticateAsync(authcid, password, cancellationToken).ConfigureAwait(false);
        if (result.IsTemporaryFailure)
        {
            return SaslStep.Unavailable;
        }

        // Acting for another identity is not supported: an authzid must name the same user.
        if (!result.Succeeded || (authzid.Length > 0 && !string.Equals(authzid, authcid, StringComparison.OrdinalIgnoreCase) && !string.Equals(authzid, result.UserId, StringComparison.OrdinalIgnoreCase)))
        {
            return SaslStep.Failed;
        }

        return SaslStep.Authenticated(result.UserId!);
    }
}
