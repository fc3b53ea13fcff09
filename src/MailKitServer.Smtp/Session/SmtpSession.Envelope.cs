using System.Diagnostics.CodeAnalysis;
using MailKitServer.Addresses;
using MailKitServer.Users;
using MailKitServer.Policy;
using MailKitServer.Smtp.Parsing;

namespace MailKitServer.Smtp.Session;

/// <summary>MAIL FROM and RCPT TO with their ESMTP parameters.</summary>
internal sealed partial class SmtpSession
{
    private async ValueTask<bool> MailAsync(ReadOnlyMemory<byte> argumentMemory)
    {
        if (_state == SmtpState.Connected)
        {
            return await ErrorAsync("503 5.5.1 Error: send HELO/EHLO first\r\n"u8).ConfigureAwait(false);
        }

        if (_state != SmtpState.Ready)
        {
            return await ErrorAsync("503 5.5.1 Error: nested MAIL command\r\n"u8).ConfigureAwait(false);
        }

        if (_options.Role == SmtpRole.Submission && _info.AuthenticatedUser is null)
        {
            // RFC 4954 §6 / RFC 6409: submission requires authentication first.
            return await ErrorAsync("530 5.7.0 Authentication required\r\n"u8).ConfigureAwait(false);
        }

        var argument = argumentMemory.Span;
        if (!PathParser.TryParse(argument, "FROM:"u8, out var path))
        {
            return await ErrorAsync("501 5.5.4 Syntax: MAIL FROM:<address>\r\n"u8).ConfigureAwait(false);
        }

        if (!MailParameters.TryParse(argument[path.Parameters], _options, _connection.IsSecure, out var parameters, out var error))
        {
            return await ErrorAsync(error).ConfigureAwait(false);
        }

        MailAddress? sender = null;
        var addressBytes = argument[path.Address];
        if (!addressBytes.IsEmpty)
        {
            if (!SmtpText.TryDecode(addressBytes, out var addressText) || !MailAddress.TryParse(addressText, allowUtf8: true, out sender))
            {
                return await ErrorAsync("553 5.1.7 Bad sender address syntax\r\n"u8).ConfigureAwait(false);
            }

            if (!parameters.SmtpUtf8 && !System.Text.Ascii.IsValid(addressBytes))
            {
                // RFC 6531 §3.4: a non-ASCII address needs the SMTPUTF8 parameter.
                return await ErrorAsync("553 5.6.7 Non-ASCII address requires SMTPUTF8\r\n"u8).ConfigureAwait(false);
            }
        }

        await LeaveSocketThreadIfPolicyMayBlockAsync().ConfigureAwait(false);
        var verdict = await _context.Policy.OnMailFromAsync(_info, new MailFromRequest(sender, parameters.Size, parameters.All), _connection.Aborted).ConfigureAwait(false);
        if (!verdict.IsAccepted)
        {
            Reply(verdict.Reply!);
            return true;
        }

        if (ScreenSender() is { } refusal)
        {
            Reply(refusal);
            return true;
        }

        if (await MilterRefusesMailAsync(sender, parameters).ConfigureAwait(false))
        {
            return true;
        }

        // Only an accepted MAIL changes the transaction.
        _transaction.Begin(sender, parameters);
        _state = SmtpState.Mail;
        _connection.Write("250 2.1.0 Ok\r\n"u8);
        return true;
    }

    private async ValueTask<bool> RcptAsync(ReadOnlyMemory<byte> argumentMemory)
    {
        if (_state is not (SmtpState.Mail or SmtpState.Recipients))
        {
            return await ErrorAsync("503 5.5.1 Error: need MAIL command\r\n"u8).ConfigureAwait(false);
        }

        if (_transaction.Recipients.Count >= _options.MaxRecipients)
        {
            // RFC 5321 §4.5.3.1.10: 452 for too many recipients.
            _connection.Write("452 4.5.3 Error: too many recipients\r\n"u8);
            return true;
        }

        var argument = argumentMemory.Span;
        if (!PathParser.TryParse(argument, "TO:"u8, out var path) || path.Address.GetOffsetAndLength(argument.Length).Length == 0)
        {
            return await ErrorAsync("501 5.5.4 Syntax: RCPT TO:<address>\r\n"u8).ConfigureAwait(false);
        }

        if (!RecipientParameters.TryParse(argument[path.Parameters], _options, out var parameters, out var error))
        {
            return await ErrorAsync(error).ConfigureAwait(false);
        }

        if (!TryRecipientAddress(argument[path.Address], out var recipient, out var bad))
        {
            return await ErrorAsync(bad.AsMemory()).ConfigureAwait(false);
        }

        await LeaveSocketThreadIfRecipientMayBlockAsync().ConfigureAwait(false);
        var resolution = await _context.Directory.ResolveAsync(recipient, _connection.Aborted).ConfigureAwait(false);
        var verdict = await _context.Policy.OnRecipientAsync(_info, new RecipientRequest(recipient, resolution, _transaction.Sender, parameters.All), _connection.Aborted).ConfigureAwait(false);
        if (Accepted(verdict, resolution, recipient, parameters) is not { } accepted)
        {
            return true;
        }

        if (await ScreenRecipientAsync(recipient).ConfigureAwait(false) is { } refusal)
        {
            Reply(refusal);
            return true;
        }

        if (await MilterRefusesRecipientAsync(recipient, parameters).ConfigureAwait(false))
        {
            return true;
        }

        _transaction.Recipients.Add(accepted);
        _state = SmtpState.Recipients;
        _connection.Write("250 2.1.5 Ok\r\n"u8);
        return true;
    }

    /// <summary>The address a RCPT names, or the reply that refuses it.</summary>
    private bool TryRecipientAddress(ReadOnlySpan<byte> addressBytes, [NotNullWhen(true)] out MailAddress? recipient, out byte[] refusal)
    {
        refusal = [];
        if (System.Text.Ascii.EqualsIgnoreCase(addressBytes, "postmaster"u8))
        {
            // RFC 5321 §4.5.1: <Postmaster> without a domain must be accepted.
            recipient = _options.PostmasterAddress is { } pm && MailAddress.TryParse(pm, allowUtf8: true, out var configured)
                ? configured
                : MailAddress.Create("postmaster", ServerName);
            return true;
        }

        if (!SmtpText.TryDecode(addressBytes, out var addressText) || !MailAddress.TryParse(addressText, allowUtf8: true, out recipient))
        {
            recipient = null;
            refusal = "501 5.1.3 Bad recipient address syntax\r\n"u8.ToArray();
            return false;
        }

        if (!_transaction.SmtpUtf8 && !System.Text.Ascii.IsValid(addressBytes))
        {
            recipient = null;
            refusal = "553 5.6.7 Non-ASCII address requires SMTPUTF8\r\n"u8.ToArray();
            return false;
        }

        return true;
    }

    /// <summary>The recipient as the policy's verdict and the directory's resolution take it, or null once the refusal is written.</summary>
    private SmtpRecipient? Accepted(RecipientVerdict verdict, RecipientResolution resolution, MailAddress recipient, RecipientParameters parameters)
    {
        switch (verdict.Action)
        {
            case RecipientAction.Reject:
                Reply(verdict.Reply!);
                return null;
            case RecipientAction.Relay:
                if (_lmtp || _context.OutboundQueue is null)
                {
                    _connection.Write("550 5.7.1 Relaying is not available on this server\r\n"u8);
                    return null;
                }

                return new SmtpRecipient(recipient, [], [recipient], parameters.Notify, parameters.OriginalRecipient, Relayed: true);
            default:
                if (resolution.Status != RecipientStatus.Resolved)
                {
                    _connection.Write("550 5.1.1 Recipient address rejected: no mailbox here\r\n"u8);
                    return null;
                }

                if (resolution.RemoteAddresses.Count > 0 && (_context.OutboundQueue is null || _lmtp))
                {
                    _connection.Write("451 4.3.5 Forwarding to remote addresses is not configured\r\n"u8);
                    return null;
                }

                return new SmtpRecipient(recipient, resolution.Mailboxes, resolution.RemoteAddresses, parameters.Notify, parameters.OriginalRecipient);
        }
    }
}
