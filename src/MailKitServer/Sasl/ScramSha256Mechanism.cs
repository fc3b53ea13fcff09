using System.Security.Cryptography;
using System.Text;
using MailKitServer.Users;

namespace MailKitServer.Sasl;

/// <summary>
/// SASL SCRAM-SHA-256 (RFC 5802, RFC 7677) without channel binding: the password never crosses the wire and the
/// server proves it knows the stored keys. Unknown users get a consistent fake salt, so the exchange does not reveal
/// which users exist.
/// </summary>
internal sealed class ScramSha256Mechanism(IUserDirectory directory) : SaslMechanism
{
    private static readonly byte[] FakeSaltKey = RandomNumberGenerator.GetBytes(32);
    private State _state;
    private string? _gs2Header;
    private string? _clientFirstBare;
    private string? _serverFirst;
    private string? _nonce;
    private ScramCredentials? _credentials;
    private string? _userId;

    private enum State
    {
        Start,
        ServerFirstSent,
        ServerFinalSent,
    }

    /// <inheritdoc />
    public override string Name => "SCRAM-SHA-256";

    /// <inheritdoc />
    public override bool SendsPasswordInClear => false;

    /// <inheritdoc />
    public override async ValueTask<SaslStep> StepAsync(byte[]? response, CancellationToken cancellationToken)
    {
        switch (_state)
        {
            case State.Start:
                if (response is null)
                {
                    return SaslStep.Continue([]);
                }

                return await ClientFirstAsync(Encoding.UTF8.GetString(response), cancellationToken).ConfigureAwait(false);
            case State.ServerFirstSent:
                return response is null ? SaslStep.Malformed : ClientFinal(Encoding.UTF8.GetString(response));
            default:
                // RFC 5802 §5: after server-final-message the client sends an empty response.
                return response is { Length: 0 } && _userId is not null ? SaslStep.Authenticated(_userId) : SaslStep.Malformed;
        }
    }

    private async ValueTask<SaslStep> ClientFirstAsync(string message, CancellationToken cancellationToken)
    {
        // gs2-header = gs2-cbind-flag "," [ authzid ] ","
        var c1 = message.IndexOf(',', StringComparison.Ordinal);
        var c2 = c1 < 0 ? -1 : message.IndexOf(',', c1 + 1);
        if (c1 != 1 || c2 < 0 || (message[0] != 'n' && message[0] != 'y'))
        {
            // 'p' asks for channel binding, which is not offered (no -PLUS mechanism).
            return SaslStep.Malformed;
        }

        _gs2Header = message[..(c2 + 1)];
        _clientFirstBare = message[(c2 + 1)..];
        string? user = null, clientNonce = null;
        foreach (var attribute in _clientFirstBare.Split(','))
        {
            if (attribute.StartsWith("n=", StringComparison.Ordinal))
            {
                user = attribute[2..].Replace("=2C", ",", StringComparison.Ordinal).Replace("=3D", "=", StringComparison.Ordinal);
            }
            else if (attribute.StartsWith("r=", StringComparison.Ordinal))
            {
                clientNonce = attribute[2..];
            }
            else if (attribute.StartsWith("m=", StringComparison.Ordinal))
            {
                // RFC 5802 §5.1: a mandatory extension we do not know fails the exchange.
                return SaslStep.Malformed;
            }
        }

        if (string.IsNullOrEmpty(user) || string.IsNullOrEmpty(clientNonce) || clientNonce.Contains(','))
        {
            return SaslStep.Malformed;
        }

        UserName = user;
        _credentials = await directory.GetScramCredentialsAsync(user, cancellationToken).ConfigureAwait(false);
        var salt = _credentials?.Salt ?? HMACSHA256.HashData(FakeSaltKey, Encoding.UTF8.GetBytes(user))[..16];
        var iterations = _credentials?.Iterations ?? 4096;
        _nonce = clientNonce + Convert.ToBase64String(RandomNumberGenerator.GetBytes(18));
        _serverFirst = $"r={_nonce},s={Convert.ToBase64String(salt)},i={iterations}";
        _state = State.ServerFirstSent;
        return SaslStep.Continue(Encoding.UTF8.GetBytes(_serverFirst));
    }

    private SaslStep ClientFinal(string message)
    {
        var proofAt = message.LastIndexOf(",p=", StringComparison.Ordinal);
        if (proofAt < 0)
        {
            return SaslStep.Malformed;
        }

        var withoutProof = message[..proofAt];
        string? channelBinding = null, nonce = null;
        foreach (var attribute in withoutProof.Split(','))
        {
            if (attribute.StartsWith("c=", StringComparison.Ordinal))
            {
                channelBinding = attribute[2..];
            }
            else if (attribute.StartsWith("r=", StringComparison.Ordinal))
            {
                nonce = attribute[2..];
            }
        }

        byte[] proof;
        try
        {
            proof = Convert.FromBase64String(message[(proofAt + 3)..]);
        }
        catch (FormatException)
        {
            return SaslStep.Malformed;
        }

        if (channelBinding != Convert.ToBase64String(Encoding.UTF8.GetBytes(_gs2Header!)) || nonce != _nonce || proof.Length != 32)
        {
            return SaslStep.Malformed;
        }

        if (_credentials is null)
        {
            return SaslStep.Failed;
        }

        // RFC 5802 §3: ClientKey = ClientProof XOR HMAC(StoredKey, AuthMessage); check H(ClientKey) == StoredKey.
        var authMessage = Encoding.UTF8.GetBytes($"{_clientFirstBare},{_serverFirst},{withoutProof}");
        var clientSignature = HMACSHA256.HashData(_credentials.StoredKey, authMessage);
        var clientKey = new byte[32];
        for (var i = 0; i < 32; i++)
        {
            clientKey[i] = (byte)(proof[i] ^ clientSignature[i]);
        }

        if (!CryptographicOperations.FixedTimeEquals(SHA256.HashData(clientKey), _credentials.StoredKey))
        {
            return SaslStep.Failed;
        }

        _userId = _credentials.UserId;
        _state = State.ServerFinalSent;
        var serverSignature = HMACSHA256.HashData(_credentials.ServerKey, authMessage);
        return SaslStep.Continue(Encoding.UTF8.GetBytes("v=" + Convert.ToBase64String(serverSignature)));
    }
}
