using MailKitServer.Imap.Parsing;
using MailKitServer.Runtime;
using MailKitServer.Sasl;

namespace MailKitServer.Imap.Session;

/// <summary>LOGIN, AUTHENTICATE (with SASL-IR, RFC 4959) and STARTTLS.</summary>
internal sealed partial class ImapSession
{
    private async ValueTask<bool> LoginAsync(string tag, IReadOnlyList<ImapToken> args)
    {
        if (args.Count != 2 || args.Any(a => a.Kind == ImapTokenKind.List))
        {
            return await BadAsync(tag, "Syntax: LOGIN user password").ConfigureAwait(false);
        }

        if (!SaslMechanisms.AllowsPlainText(_connection))
        {
            // RFC 3501 §6.2.3 / LOGINDISABLED.
            return No(tag, "[PRIVACYREQUIRED] Plaintext authentication disallowed on non-secure connections");
        }

        var result = await _context.Directory.AuthenticateAsync(args[0].Text, args[1].Text, _connection.Aborted).ConfigureAwait(false);
        if (result.IsTemporaryFailure)
        {
            return No(tag, "[UNAVAILABLE] Authentication temporarily unavailable");
        }

        if (!result.Succeeded)
        {
            return await AuthenticationFailedAsync(tag).ConfigureAwait(false);
        }

        return await LoggedInAsync(tag, result.UserId!).ConfigureAwait(false);
    }

    private async ValueTask<bool> AuthenticateAsync(string tag, IReadOnlyList<ImapToken> args)
    {
        if (args.Count is < 1 or > 2 || args[0].Kind != ImapTokenKind.Atom)
        {
            return await BadAsync(tag, "Syntax: AUTHENTICATE mechanism [initial-response]").ConfigureAwait(false);
        }

        var mechanism = SaslMechanisms.Create(args[0].Text, _context);
        if (mechanism is null)
        {
            return No(tag, "[CANNOT] Unsupported authentication mechanism");
        }

        if (mechanism.SendsPasswordInClear && !SaslMechanisms.AllowsPlainText(_connection))
        {
            return No(tag, "[PRIVACYREQUIRED] Plaintext authentication disallowed on non-secure connections");
        }

        byte[]? response = null;
        if (args.Count == 2 && !SaslMechanisms.TryDecodeResponse(args[1].Text, out response))
        {
            return await BadAsync(tag, "Invalid base64 data").ConfigureAwait(false);
        }

        while (true)
        {
            var step = await mechanism.StepAsync(response, _connection.Aborted).ConfigureAwait(false);
            switch (step.Kind)
            {
                case SaslStepKind.Challenge:
                    var (status, data) = await SaslConversation.ChallengeAsync(_connection, "+ ", step.Challenge!, _options.MaxLineLength).ConfigureAwait(false);
                    switch (status)
                    {
                        case SaslResponseStatus.ConnectionLost:
                            return false;
                        case SaslResponseStatus.TooLong or SaslResponseStatus.Cancelled:
                            // RFC 3501 §6.2.2: "*" cancels with BAD.
                            return await BadAsync(tag, "Authentication cancelled").ConfigureAwait(false);
                        case SaslResponseStatus.Invalid:
                            return await BadAsync(tag, "Invalid base64 data").ConfigureAwait(false);
                    }

                    response = data;
                    continue;
                case SaslStepKind.Success:
                    return await LoggedInAsync(tag, step.UserId!).ConfigureAwait(false);
                case SaslStepKind.TemporaryFailure:
                    return No(tag, "[UNAVAILABLE] Authentication temporarily unavailable");
                case SaslStepKind.Malformed:
                    return await BadAsync(tag, "Invalid authentication data").ConfigureAwait(false);
                default:
                    return await AuthenticationFailedAsync(tag).ConfigureAwait(false);
            }
        }
    }

    private async ValueTask<bool> AuthenticationFailedAsync(string tag)
    {
        _context.Metrics.AuthenticationFailures.Add(1, new KeyValuePair<string, object?>("protocol", "imap"));
        await _context.AuthThrottle.DelayFailureAsync(_connection.RemoteEndPoint.Address, _connection.Aborted).ConfigureAwait(false);

        return No(tag, "[AUTHENTICATIONFAILED] Authentication failed");
    }

    private async ValueTask<bool> LoggedInAsync(string tag, string userId)
    {
        _context.AuthThrottle.RecordSuccess(_connection.RemoteEndPoint.Address);
        _userId = userId;
        _account = await _context.Store.OpenAccountAsync(userId, _connection.Aborted).ConfigureAwait(false);
        _state = ImapState.Authenticated;
        _badCommands = 0;
        return Ok(tag, $"[CAPABILITY {Capabilities}] Logged in");
    }

    private async ValueTask<bool> StartTlsAsync(string tag)
    {
        if (_connection.IsSecure)
        {
            return await BadAsync(tag, "TLS already active").ConfigureAwait(false);
        }

        Ok(tag, "Begin TLS negotiation now");
        return await _connection.UpgradeToTlsAsync().ConfigureAwait(false);
    }
}
