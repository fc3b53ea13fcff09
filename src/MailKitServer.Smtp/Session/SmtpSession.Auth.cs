using System.Text;
using MailKitServer.Runtime;
using MailKitServer.Sasl;
using MailKitServer.Smtp.Diagnostics;

namespace MailKitServer.Smtp.Session;

/// <summary>AUTH (RFC 4954) with the shared SASL mechanisms.</summary>
internal sealed partial class SmtpSession
{
    private async ValueTask<bool> AuthAsync(ReadOnlyMemory<byte> argumentMemory)
    {
        // Password checks hash (PBKDF2 for SCRAM) and may ask a directory: not on a socket engine's thread.
        await ThreadPoolHop.LeaveSocketThreadAsync().ConfigureAwait(false);
        if (AuthStateRefusal() is { } refusal)
        {
            return await ErrorAsync(refusal.AsMemory()).ConfigureAwait(false);
        }

        var argument = argumentMemory.Span;
        var space = argument.IndexOf((byte)' ');
        var name = Encoding.ASCII.GetString(space < 0 ? argument : argument[..space]);
        var initial = space < 0 ? default : argument[(space + 1)..];
        var mechanism = name.Length == 0 ? null : SaslMechanisms.Create(name, _connection);
        if (mechanism is null)
        {
            return await ErrorAsync("504 5.5.4 Unrecognized authentication type\r\n"u8).ConfigureAwait(false);
        }

        if (mechanism.SendsPasswordInClear && !SaslMechanisms.AllowsPlainText(_connection))
        {
            return await ErrorAsync("538 5.7.11 Encryption required for requested authentication mechanism\r\n"u8).ConfigureAwait(false);
        }

        byte[]? response = null;
        if (space >= 0)
        {
            // RFC 4954 §4: "=" is an empty initial response.
            if (!SaslMechanisms.TryDecodeResponse(Encoding.ASCII.GetString(initial), out response))
            {
                return await ErrorAsync("501 5.5.2 Invalid base64 data\r\n"u8).ConfigureAwait(false);
            }
        }

        while (true)
        {
            var step = await mechanism.StepAsync(response, _connection.Aborted).ConfigureAwait(false);
            switch (step.Kind)
            {
                case SaslStepKind.Challenge:
                    var (status, data) = await SaslConversation.ChallengeAsync(_connection, "334 ", step.Challenge!, _options.MaxLineLength).ConfigureAwait(false);
                    if (status != SaslResponseStatus.Response)
                    {
                        return status != SaslResponseStatus.ConnectionLost && await ErrorAsync(ChallengeRefusal(status).AsMemory()).ConfigureAwait(false);
                    }

                    response = data;
                    continue;
                case SaslStepKind.Success:
                    return await AuthenticatedAsync(mechanism, step.UserId!).ConfigureAwait(false);
                case SaslStepKind.TemporaryFailure:
                    _connection.Write("454 4.7.0 Temporary authentication failure\r\n"u8);
                    return true;
                case SaslStepKind.Malformed:
                    return await ErrorAsync("501 5.5.2 Invalid authentication data\r\n"u8).ConfigureAwait(false);
                default:
                    _context.Metrics.AuthenticationFailures.Add(1, new KeyValuePair<string, object?>("protocol", "smtp"));
                    SmtpLog.AuthenticationFailed(_logger, _connection.Id, mechanism.UserName, mechanism.Name);
                    _context.AuthThrottle.RecordFailure(_connection.RemoteEndPoint.Address, mechanism.UserName, "smtp");

                    return await ErrorAsync("535 5.7.8 Authentication credentials invalid\r\n"u8).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Why AUTH cannot be taken in this state (RFC 4954 §4: not once authenticated, nor in a transaction), or null when it can.</summary>
    private byte[]? AuthStateRefusal() =>
        _state == SmtpState.Connected || !_esmtp ? "503 5.5.1 Error: send EHLO first\r\n"u8.ToArray()
        : _info.AuthenticatedUser is not null ? "503 5.5.1 Error: already authenticated\r\n"u8.ToArray()
        : _state != SmtpState.Ready ? "503 5.5.1 Error: MAIL transaction in progress\r\n"u8.ToArray()
        : null;

    /// <summary>The reply to a challenge's answer that is not a response (too long, cancelled with "*", not base64).</summary>
    private static byte[] ChallengeRefusal(SaslResponseStatus status) => status switch
    {
        SaslResponseStatus.TooLong => "500 5.5.6 Authentication exchange line is too long\r\n"u8.ToArray(),
        SaslResponseStatus.Cancelled => "501 5.0.0 Authentication cancelled\r\n"u8.ToArray(),
        _ => "501 5.5.2 Invalid base64 data\r\n"u8.ToArray(),
    };

    /// <summary>The mechanism proved the user: the policy has the last word, then 235.</summary>
    private async ValueTask<bool> AuthenticatedAsync(SaslMechanism mechanism, string userId)
    {
        _info.AuthenticatedUser = userId;
        var verdict = await _context.Policy.OnAuthenticatedAsync(_info, _connection.Aborted).ConfigureAwait(false);
        if (!verdict.IsAccepted)
        {
            _info.AuthenticatedUser = null;
            Reply(verdict.Reply!);
            return true;
        }

        _context.AuthThrottle.RecordSuccess(_connection.RemoteEndPoint.Address, mechanism.UserName ?? userId, userId);
        SmtpLog.Authenticated(_logger, _connection.Id, userId, mechanism.Name);
        _connection.Write("235 2.7.0 Authentication successful\r\n"u8);
        return true;
    }
}
