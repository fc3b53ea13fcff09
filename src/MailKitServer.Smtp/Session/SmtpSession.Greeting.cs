using System.Globalization;
using System.Text;
using MailKitServer.Sasl;

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

        var sb = new StringBuilder(256);
        sb.Append("250-").Append(ServerName).Append(" Hello ").Append(helo).Append(" [").Append(_connection.RemoteEndPoint.Address).Append("]\r\n");
        sb.Append("250-PIPELINING\r\n");
        sb.Append("250-SIZE ").Append(_options.MaxMessageSize.ToString(CultureInfo.InvariantCulture)).Append("\r\n");
        sb.Append("250-8BITMIME\r\n");
        sb.Append("250-ENHANCEDSTATUSCODES\r\n");
        if (_options.EnableStartTls && !_connection.IsSecure)
        {
            sb.Append("250-STARTTLS\r\n");
        }

        if (!_lmtp && _info.AuthenticatedUser is null)
        {
            sb.Append("250-AUTH ").AppendJoin(' ', SaslMechanisms.Advertised(_connection)).Append("\r\n");
        }

        if (_options.EnableSmtpUtf8)
        {
            sb.Append("250-SMTPUTF8\r\n");
        }

        if (_options.EnableChunking)
        {
            sb.Append("250-CHUNKING\r\n250-BINARYMIME\r\n");
        }

        if (_options.EnableDsn)
        {
            sb.Append("250-DSN\r\n");
        }

        // RFC 8689 §4.1: REQUIRETLS is offered only once TLS is in place.
        if (_options.EnableRequireTls && _connection.IsSecure)
        {
            sb.Append("250-REQUIRETLS\r\n");
        }

        sb.Append("250 HELP\r\n");
        _connection.Write(sb.ToString());
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
