namespace MailKitServer.Smtp.Session;

/// <summary>EHLO, HELO, LHLO and STARTTLS.</summary>
internal sealed partial class SmtpSession
{
    private async ValueTask<bool> EhloAsync(ReadOnlyMemory<byte> argument, bool extended)
    {
        if (argument.IsEmpty || !SmtpText.TryDecode(argument.Span, out var helo) || helo.Contains(' ', StringComparison.Ordinal))
        {
            return await ErrorAsync(extended ? "501 5.5.4 Syntax: EHLO hostname\r\n"u8 : "501 5.5.4 Syntax: HELO hostname\r\n"u8).ConfigureAwait(false);
        }

        await LeaveSocketThreadIfPolicyMayBlockAsync().ConfigureAwait(false);
        var verdict = await _context.Policy.OnHeloAsync(_info, helo, _connection.Aborted).ConfigureAwait(false);
        if (!verdict.IsAccepted)
        {
            Reply(verdict.Reply!);
            return true;
        }

        if (await MilterRefusesHeloAsync(helo).ConfigureAwait(false))
        {
            return true;
        }

        // RFC 5321 §4.1.4: EHLO/HELO resets any transaction in progress.
        _transaction.Reset();
        _state = SmtpState.Ready;
        _esmtp = extended;
        _info.HeloName = helo;
        if (!extended)
        {
            _connection.Write($"250 {ServerName}\r\n");
            return true;
        }

        // The keyword lines are the listener's, made once (SmtpListenerReplies); only the first line is this session's.
        _connection.Write($"{_replies.EhloStart}{helo} [{_connection.RemoteEndPoint.Address}]\r\n");
        _connection.Write(_replies.EhloKeywordLines(_connection.IsSecure, offerAuth: !_lmtp && _info.AuthenticatedUser is null));
        return true;
    }

    private async ValueTask<bool> StartTlsAsync(ReadOnlyMemory<byte> argument)
    {
        if (_connection.IsSecure)
        {
            return await ErrorAsync("503 5.5.1 Error: TLS already active\r\n"u8).ConfigureAwait(false);
        }

        if (!argument.IsEmpty)
        {
            return await ErrorAsync("501 5.5.4 Syntax: STARTTLS\r\n"u8).ConfigureAwait(false);
        }

        _connection.Write("220 2.0.0 Ready to start TLS\r\n"u8);
        if (!await _connection.UpgradeToTlsAsync().ConfigureAwait(false))
        {
            return false;
        }

        // RFC 3207 §4.2: the server MUST discard any knowledge obtained from the client before the TLS negotiation.
        _transaction.Reset();
        _state = SmtpState.Connected;
        _esmtp = false;
        _info.HeloName = null;
        _info.AuthenticatedUser = null;
        _info.IsSecure = true;
        return true;
    }
}
