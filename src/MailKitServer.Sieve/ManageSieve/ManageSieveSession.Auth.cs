using MailKitServer.Sasl;
using MailKitServer.Sieve.Diagnostics;
using Microsoft.Extensions.Logging;

namespace MailKitServer.Sieve.ManageSieve;

/// <summary>STARTTLS (RFC 5804 §2.2), AUTHENTICATE (§2.1) with the server's SASL mechanisms, and UNAUTHENTICATE (§2.14.1).</summary>
internal sealed partial class ManageSieveSession
{
    private async ValueTask<bool> StartTlsAsync()
    {
        if (_connection.IsSecure)
        {
            return Error("NO \"TLS is already active\"\r\n");
        }

        if (_userId is not null)
        {
            // RFC 5804 §4: STARTTLS is a command of the non-authenticated state.
            return Error("NO \"STARTTLS is only allowed before AUTHENTICATE\"\r\n");
        }

        _connection.Write("OK \"Begin TLS negotiation now\"\r\n");
        if (!await _connection.UpgradeToTlsAsync().ConfigureAwait(false))
        {
            return false;
        }

        // RFC 5804 §2.2: after the handshake the server sends the capabilities again (now with plain SASL).
        WriteCapabilities();
        _connection.Write("OK \"TLS negotiation successful\"\r\n");
        return true;
    }

    private bool Unauthenticate()
    {
        // RFC 5804 §2.14.1: only an authenticated session can go back; TLS stays, and AUTHENTICATE may follow (as
        // another user). No SASL security layer is ever negotiated here, so there is none to drop.
        if (_userId is null)
        {
            return Error("NO \"Not authenticated\"\r\n");
        }

        SieveLog.Unauthenticated(_context.LoggerFactory.CreateLogger("MailKitServer.ManageSieve"), _connection.Id, _userId);
        _userId = null;
        _connection.Write("OK \"Unauthenticate completed\"\r\n");
        return true;
    }

    private async ValueTask<bool> AuthenticateAsync(string mechanismName, string? initial)
    {
        if (_userId is not null)
        {
            return Error("NO \"Already authenticated\"\r\n");
        }

        var mechanism = SaslMechanisms.Create(mechanismName.ToUpperInvariant(), _connection);
        if (mechanism is null)
        {
            return Error("NO \"Unsupported authentication mechanism\"\r\n");
        }

        if (mechanism.SendsPasswordInClear && !SaslMechanisms.AllowsPlainText(_connection))
        {
            return Error("NO (ENCRYPT-NEEDED) \"Use STARTTLS first\"\r\n");
        }

        byte[]? response = null;
        if (initial is not null && !SaslMechanisms.TryDecodeResponse(initial, out response))
        {
            return Error("NO \"Invalid base64 data\"\r\n");
        }

        var logger = _context.LoggerFactory.CreateLogger("MailKitServer.ManageSieve");
        while (true)
        {
            var step = await mechanism.StepAsync(response, _connection.Aborted).ConfigureAwait(false);
            switch (step.Kind)
            {
                case SaslStepKind.Challenge:
                    // RFC 5804 §2.1: a challenge is a string; the client answers with a string, or "*" to cancel.
                    _connection.Write(Quote(Convert.ToBase64String(step.Challenge!)) + "\r\n");
                    var (status, command, _) = await ReadAsync(response: true).ConfigureAwait(false);
                    if (status != ManageSieveParseResult.Command)
                    {
                        return status is ManageSieveParseResult.SyntaxError or ManageSieveParseResult.LiteralTooLarge && Error("NO \"Invalid authentication response\"\r\n");
                    }

                    var answer = command!.Arguments[0];
                    if (answer == "*")
                    {
                        return Error("NO \"Authentication cancelled\"\r\n");
                    }

                    if (!SaslMechanisms.TryDecodeResponse(answer, out response))
                    {
                        return Error("NO \"Invalid base64 data\"\r\n");
                    }

                    continue;
                case SaslStepKind.Success:
                    _userId = step.UserId!;
                    _context.AuthThrottle.RecordSuccess(_connection.RemoteEndPoint.Address, mechanism.UserName ?? _userId, _userId);
                    SieveLog.Authenticated(logger, _connection.Id, _userId, mechanism.Name);
                    _connection.Write("OK \"Authenticate completed\"\r\n");
                    return true;
                case SaslStepKind.TemporaryFailure:
                    _connection.Write("NO (TRYLATER) \"Authentication temporarily unavailable\"\r\n");
                    return true;
                case SaslStepKind.Malformed:
                    return Error("NO \"Invalid authentication data\"\r\n");
                default:
                    _context.AuthThrottle.RecordFailure(_connection.RemoteEndPoint.Address, mechanism.UserName, "managesieve");
                    SieveLog.AuthenticationFailed(logger, _connection.Id, mechanism.UserName, mechanism.Name);
                    return Error("NO \"Authentication failed\"\r\n");
            }
        }
    }
}
