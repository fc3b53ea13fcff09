using MailKitServer.Runtime;
using MailKitServer.Sasl;

namespace MailKitServer.Pop3.Session;

/// <summary>USER/PASS, AUTH (RFC 5034), STLS (RFC 2595) and entering the TRANSACTION state.</summary>
internal sealed partial class Pop3Session
{
    private async ValueTask<bool> UserAsync(string argument)
    {
        if (!SaslMechanisms.AllowsPlainText(_connection))
        {
            return await ErrorAsync("-ERR [AUTH] Plaintext authentication disallowed on non-secure connections\r\n").ConfigureAwait(false);
        }

        if (argument.Length == 0)
        {
            return await ErrorAsync("-ERR Syntax: USER name\r\n").ConfigureAwait(false);
        }

        _userName = argument;
        _connection.Write("+OK\r\n"u8);
        return true;
    }

    private async ValueTask<bool> PassAsync(string argument)
    {
        if (_userName is null)
        {
            return await ErrorAsync("-ERR USER first\r\n").ConfigureAwait(false);
        }

        var user = _userName;
        _userName = null;
        // The check waits for its turn in the server's throttle (per account and per address).
        var directory = _context.AuthThrottle.Guard(_context.Directory, _connection.RemoteEndPoint.Address);
        var result = await directory.AuthenticateAsync(user, argument, _connection.Aborted).ConfigureAwait(false);
        if (result.IsTemporaryFailure)
        {
            _connection.Write("-ERR [SYS/TEMP] Authentication temporarily unavailable\r\n"u8);
            return true;
        }

        if (!result.Succeeded)
        {
            return await AuthFailedAsync(user).ConfigureAwait(false);
        }

        return await LoginAsync(user, result.UserId!).ConfigureAwait(false);
    }

    private async ValueTask<bool> AuthAsync(string argument)
    {
        if (argument.Length == 0)
        {
            // The pre-RFC 5034 listing form, still sent by some clients.
            _connection.Write("+OK\r\n" + string.Join("\r\n", SaslMechanisms.Advertised(_connection)) + "\r\n.\r\n");
            return true;
        }

        var space = argument.IndexOf(' ', StringComparison.Ordinal);
        var mechanism = SaslMechanisms.Create(space < 0 ? argument : argument[..space], _connection);
        if (mechanism is null)
        {
            return await ErrorAsync("-ERR Unsupported authentication mechanism\r\n").ConfigureAwait(false);
        }

        if (mechanism.SendsPasswordInClear && !SaslMechanisms.AllowsPlainText(_connection))
        {
            return await ErrorAsync("-ERR [AUTH] Plaintext authentication disallowed on non-secure connections\r\n").ConfigureAwait(false);
        }

        byte[]? response = null;
        if (space >= 0)
        {
            var initial = argument[(space + 1)..];
            if (!SaslMechanisms.TryDecodeResponse(initial, out response))
            {
                return await ErrorAsync("-ERR Invalid base64 data\r\n").ConfigureAwait(false);
            }
        }

        while (true)
        {
            var step = await mechanism.StepAsync(response, _connection.Aborted).ConfigureAwait(false);
            switch (step.Kind)
            {
                case SaslStepKind.Challenge:
                    var (status, data) = await SaslConversation.ChallengeAsync(_connection, "+ ", step.Challenge!, _options.MaxSaslLineLength).ConfigureAwait(false);
                    switch (status)
                    {
                        case SaslResponseStatus.ConnectionLost:
                            return false;
                        case SaslResponseStatus.TooLong or SaslResponseStatus.Cancelled:
                            // RFC 5034 §4: "*" cancels the exchange.
                            return await ErrorAsync("-ERR Authentication cancelled\r\n").ConfigureAwait(false);
                        case SaslResponseStatus.Invalid:
                            return await ErrorAsync("-ERR Invalid base64 data\r\n").ConfigureAwait(false);
                    }

                    response = data;
                    continue;
                case SaslStepKind.Success:
                    return await LoginAsync(mechanism.UserName ?? step.UserId!, step.UserId!).ConfigureAwait(false);
                case SaslStepKind.TemporaryFailure:
                    _connection.Write("-ERR [SYS/TEMP] Authentication temporarily unavailable\r\n"u8);
                    return true;
                case SaslStepKind.Malformed:
                    return await ErrorAsync("-ERR Invalid authentication data\r\n").ConfigureAwait(false);
                default:
                    return await AuthFailedAsync(mechanism.UserName).ConfigureAwait(false);
            }
        }
    }

    private async ValueTask<bool> AuthFailedAsync(string? userName)
    {
        _context.Metrics.AuthenticationFailures.Add(1, new KeyValuePair<string, object?>("protocol", "pop3"));
        _context.AuthThrottle.RecordFailure(_connection.RemoteEndPoint.Address, userName, "pop3");

        // RFC 3206 §4: [AUTH] marks a credentials problem, as opposed to [SYS/...].
        return await ErrorAsync("-ERR [AUTH] Authentication failed\r\n").ConfigureAwait(false);
    }

    private async ValueTask<bool> LoginAsync(string userName, string userId)
    {
        _context.AuthThrottle.RecordSuccess(_connection.RemoteEndPoint.Address, userName, userId);
        if (!_logins.TryLogin(userId, _options.LoginDelay, _context.TimeProvider.GetUtcNow()))
        {
            _connection.Write("-ERR [LOGIN-DELAY] Minimum time between logins not reached\r\n"u8);
            return true;
        }

        var account = await _context.Store.OpenAccountAsync(userId, _connection.Aborted).ConfigureAwait(false);
        var held = await account.TryLockMaildropAsync(_connection.Aborted).ConfigureAwait(false);
        if (held is null)
        {
            // RFC 1939 §4 / RFC 2449 §8.1.1: the maildrop is locked by another session.
            await account.DisposeAsync().ConfigureAwait(false);
            _connection.Write("-ERR [IN-USE] Mailbox is locked by another POP3 session\r\n"u8);
            return true;
        }

        var view = await account.OpenAsync(Storage.MailboxName.Inbox, readOnly: false, _connection.Aborted).ConfigureAwait(false);
        if (view is null)
        {
            await held.DisposeAsync().ConfigureAwait(false);
            await account.DisposeAsync().ConfigureAwait(false);
            _connection.Write("-ERR [SYS/TEMP] INBOX is not available\r\n"u8);
            return true;
        }

        (_account, _lock, _view) = (account, held, view);
        foreach (var m in view.Messages)
        {
            // The unique-id combines UIDVALIDITY and UID, as Dovecot's default does: stable, and the same message IMAP sees.
            _messages.Add(new Pop3Message(m.Uid, m.Size, $"{view.Status.UidValidity:x8}{m.Uid:x8}"));
        }

        _transaction = true;
        _connection.Write($"+OK Logged in, {_messages.Count} messages ({_messages.Sum(m => m.Size)} octets)\r\n");
        return true;
    }

    private async ValueTask<bool> StlsAsync(string argument)
    {
        if (_connection.IsSecure)
        {
            return await ErrorAsync("-ERR TLS already active\r\n").ConfigureAwait(false);
        }

        if (argument.Length > 0)
        {
            return await ErrorAsync("-ERR Syntax: STLS\r\n").ConfigureAwait(false);
        }

        _connection.Write("+OK Begin TLS negotiation\r\n"u8);
        if (!await _connection.UpgradeToTlsAsync().ConfigureAwait(false))
        {
            return false;
        }

        _userName = null;
        return true;
    }
}
