using MailKitServer.Addresses;
using MailKitServer.Delivery;
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

        var parameters = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        long? size = null;
        var reader = new EsmtpParameterReader(argument[path.Parameters]);
        var paramText = argument[path.Parameters];
        while (reader.TryRead(out var p, out var valid))
        {
            var keyword = paramText[p.Keyword];
            var value = paramText[p.Value];
            if (!valid || !TryDecode(keyword, out var key) || !TryDecode(value, out var text) || parameters.ContainsKey(key))
            {
                return await ErrorAsync("501 5.5.4 Syntax error in parameters\r\n"u8).ConfigureAwait(false);
            }

            parameters[key] = p.HasValue ? text : null;
            switch (key.ToUpperInvariant())
            {
                case "SIZE" when p.HasValue:
                    // RFC 1870 §6: a declared size over the limit is refused at MAIL.
                    if (!long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var declared))
                    {
                        return await ErrorAsync("501 5.5.4 Syntax: SIZE=number\r\n"u8).ConfigureAwait(false);
                    }

                    if (declared > _options.MaxMessageSize)
                    {
                        return await ErrorAsync("552 5.3.4 Message size exceeds fixed maximum message size\r\n"u8).ConfigureAwait(false);
                    }

                    size = declared;
                    break;
                case "BODY" when p.HasValue:
                    if (text.Equals("7BIT", StringComparison.OrdinalIgnoreCase))
                    {
                        _transaction.Body = BodyType.SevenBit;
                    }
                    else if (text.Equals("8BITMIME", StringComparison.OrdinalIgnoreCase))
                    {
                        _transaction.Body = BodyType.EightBitMime;
                    }
                    else if (text.Equals("BINARYMIME", StringComparison.OrdinalIgnoreCase) && _options.EnableChunking)
                    {
                        _transaction.Body = BodyType.BinaryMime;
                    }
                    else
                    {
                        return await ErrorAsync("501 5.5.4 Unsupported BODY type\r\n"u8).ConfigureAwait(false);
                    }

                    break;
                case "SMTPUTF8" when !p.HasValue && _options.EnableSmtpUtf8:
                    _transaction.SmtpUtf8 = true;
                    break;
                case "RET" when p.HasValue && _options.EnableDsn:
                    _transaction.Return = text.ToUpperInvariant() switch
                    {
                        "FULL" => DsnReturn.Full,
                        "HDRS" => DsnReturn.Headers,
                        _ => null,
                    };
                    if (_transaction.Return is null)
                    {
                        return await ErrorAsync("501 5.5.4 Syntax: RET=FULL or RET=HDRS\r\n"u8).ConfigureAwait(false);
                    }

                    break;
                case "ENVID" when p.HasValue && _options.EnableDsn:
                    // RFC 3461 §4.4: ENVID is xtext, at most 100 characters.
                    if (value.Length > 100 || !XText.TryDecode(value, out var envelopeId))
                    {
                        return await ErrorAsync("501 5.5.4 Syntax: ENVID=xtext\r\n"u8).ConfigureAwait(false);
                    }

                    _transaction.EnvelopeId = envelopeId;
                    break;
                case "AUTH" when p.HasValue:
                    // RFC 4954 §5: the AUTH parameter of MAIL is accepted; trusting it is the policy's business.
                    break;
                case "REQUIRETLS" when !p.HasValue && _options.EnableRequireTls && _connection.IsSecure:
                    _transaction.RequireTls = true;
                    break;
                default:
                    return await ErrorAsync("555 5.5.4 Unsupported option\r\n"u8).ConfigureAwait(false);
            }
        }

        MailAddress? sender = null;
        var addressBytes = argument[path.Address];
        if (!addressBytes.IsEmpty)
        {
            if (!TryDecode(addressBytes, out var addressText) || !MailAddress.TryParse(addressText, allowUtf8: true, out sender))
            {
                _transaction.Reset();
                return await ErrorAsync("553 5.1.7 Bad sender address syntax\r\n"u8).ConfigureAwait(false);
            }

            if (!_transaction.SmtpUtf8 && !System.Text.Ascii.IsValid(addressBytes))
            {
                // RFC 6531 §3.4: a non-ASCII address needs the SMTPUTF8 parameter.
                _transaction.Reset();
                return await ErrorAsync("553 5.6.7 Non-ASCII address requires SMTPUTF8\r\n"u8).ConfigureAwait(false);
            }
        }

        var verdict = await _context.Policy.OnMailFromAsync(_info, new MailFromRequest(sender, size, parameters), _connection.Aborted).ConfigureAwait(false);
        if (!verdict.IsAccepted)
        {
            _transaction.Reset();
            Reply(verdict.Reply!);
            return true;
        }

        _transaction.Sender = sender;
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

        var parameters = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var notify = DsnNotify.None;
        string? originalRecipient = null;
        var paramText = argument[path.Parameters];
        var reader = new EsmtpParameterReader(paramText);
        while (reader.TryRead(out var p, out var valid))
        {
            var value = paramText[p.Value];
            if (!valid || !TryDecode(paramText[p.Keyword], out var key) || !TryDecode(value, out var text) || parameters.ContainsKey(key))
            {
                return await ErrorAsync("501 5.5.4 Syntax error in parameters\r\n"u8).ConfigureAwait(false);
            }

            parameters[key] = p.HasValue ? text : null;
            switch (key.ToUpperInvariant())
            {
                case "NOTIFY" when p.HasValue && _options.EnableDsn:
                    if (!TryParseNotify(text, out notify))
                    {
                        return await ErrorAsync("501 5.5.4 Syntax: NOTIFY=NEVER or NOTIFY=SUCCESS,FAILURE,DELAY\r\n"u8).ConfigureAwait(false);
                    }

                    break;
                case "ORCPT" when p.HasValue && _options.EnableDsn:
                    // RFC 3461 §4.2: ORCPT=addr-type;xtext
                    var semicolon = value.IndexOf((byte)';');
                    if (semicolon <= 0 || value.Length > 500 || !XText.TryDecode(value[(semicolon + 1)..], out var original))
                    {
                        return await ErrorAsync("501 5.5.4 Syntax: ORCPT=addr-type;address\r\n"u8).ConfigureAwait(false);
                    }

                    originalRecipient = text[..semicolon] + ";" + original;
                    break;
                default:
                    return await ErrorAsync("555 5.5.4 Unsupported option\r\n"u8).ConfigureAwait(false);
            }
        }

        var addressBytes = argument[path.Address];
        MailAddress? recipient;
        if (System.Text.Ascii.EqualsIgnoreCase(addressBytes, "postmaster"u8))
        {
            // RFC 5321 §4.5.1: <Postmaster> without a domain must be accepted.
            recipient = _options.PostmasterAddress is { } pm && MailAddress.TryParse(pm, allowUtf8: true, out var configured)
                ? configured
                : MailAddress.Create("postmaster", ServerName);
        }
        else if (!TryDecode(addressBytes, out var addressText) || !MailAddress.TryParse(addressText, allowUtf8: true, out recipient))
        {
            return await ErrorAsync("501 5.1.3 Bad recipient address syntax\r\n"u8).ConfigureAwait(false);
        }
        else if (!_transaction.SmtpUtf8 && !System.Text.Ascii.IsValid(addressBytes))
        {
            return await ErrorAsync("553 5.6.7 Non-ASCII address requires SMTPUTF8\r\n"u8).ConfigureAwait(false);
        }

        var resolution = await _context.Directory.ResolveAsync(recipient, _connection.Aborted).ConfigureAwait(false);
        var verdict = await _context.Policy.OnRecipientAsync(_info, new RecipientRequest(recipient, resolution, _transaction.Sender, parameters), _connection.Aborted).ConfigureAwait(false);
        SmtpRecipient accepted;
        switch (verdict.Action)
        {
            case RecipientAction.Reject:
                Reply(verdict.Reply!);
                return true;
            case RecipientAction.Relay:
                if (_lmtp || _context.OutboundQueue is null)
                {
                    _connection.Write("550 5.7.1 Relaying is not available on this server\r\n"u8);
                    return true;
                }

                accepted = new SmtpRecipient(recipient, [], [recipient], notify, originalRecipient);
                break;
            default:
                if (resolution.Status != RecipientStatus.Resolved)
                {
                    _connection.Write("550 5.1.1 Recipient address rejected: no mailbox here\r\n"u8);
                    return true;
                }

                if (resolution.RemoteAddresses.Count > 0 && (_context.OutboundQueue is null || _lmtp))
                {
                    _connection.Write("451 4.3.5 Forwarding to remote addresses is not configured\r\n"u8);
                    return true;
                }

                accepted = new SmtpRecipient(recipient, resolution.Mailboxes, resolution.RemoteAddresses, notify, originalRecipient);
                break;
        }

        _transaction.Recipients.Add(accepted);
        _state = SmtpState.Recipients;
        _connection.Write("250 2.1.5 Ok\r\n"u8);
        return true;
    }

    private static bool TryParseNotify(string text, out DsnNotify notify)
    {
        notify = DsnNotify.None;
        foreach (var part in text.Split(','))
        {
            notify |= part.ToUpperInvariant() switch
            {
                "NEVER" => DsnNotify.Never,
                "SUCCESS" => DsnNotify.Success,
                "FAILURE" => DsnNotify.Failure,
                "DELAY" => DsnNotify.Delay,
                _ => (DsnNotify)(-1),
            };
        }

        // RFC 3461 §4.1: NEVER stands alone.
        return notify > 0 && !(notify.HasFlag(DsnNotify.Never) && notify != DsnNotify.Never);
    }
}
