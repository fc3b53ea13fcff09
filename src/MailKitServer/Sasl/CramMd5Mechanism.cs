using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using MailKitServer.Users;

namespace MailKitServer.Sasl;

/// <summary>SASL CRAM-MD5 (RFC 2195): the client answers a unique challenge with <c>user HMAC-MD5(password, challenge)</c> in hex.</summary>
internal sealed class CramMd5Mechanism(IUserDirectory directory, string serverName, TimeProvider timeProvider) : SaslMechanism
{
    private byte[]? _challenge;

    /// <inheritdoc />
    public override string Name => "CRAM-MD5";

    /// <inheritdoc />
    public override bool SendsPasswordInClear => false;

    /// <inheritdoc />
    public override async ValueTask<SaslStep> StepAsync(byte[]? response, CancellationToken cancellationToken)
    {
        if (_challenge is null)
        {
            if (response is { Length: > 0 })
            {
                // RFC 2195 has no initial response.
                return SaslStep.Malformed;
            }

            // RFC 2195 §2: a presumptively arbitrary string of random digits, a time-stamp, and the host name, in msg-id form.
            var random = BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8));
            _challenge = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"<{random}.{timeProvider.GetUtcNow().ToUnixTimeSeconds()}@{serverName}>"));
            return SaslStep.Continue(_challenge);
        }

        if (response is null)
        {
            return SaslStep.Malformed;
        }

        var text = Encoding.UTF8.GetString(response);
        var space = text.LastIndexOf(' ');
        if (space <= 0 || text.Length - space - 1 != 32)
        {
            return SaslStep.Malformed;
        }

        UserName = text[..space];
        byte[] digest;
        try
        {
            digest = Convert.FromHexString(text.AsSpan(space + 1));
        }
        catch (FormatException)
        {
            return SaslStep.Malformed;
        }

        var credentials = await directory.GetCramMd5CredentialsAsync(UserName, cancellationToken).ConfigureAwait(false);
        if (credentials is null)
        {
            return SaslStep.Failed;
        }

        var expected = HmacMd5State.Compute(credentials.InnerState, credentials.OuterState, _challenge);
        return CryptographicOperations.FixedTimeEquals(expected, digest) ? SaslStep.Authenticated(credentials.UserId) : SaslStep.Failed;
    }
}
