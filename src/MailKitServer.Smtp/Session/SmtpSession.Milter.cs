using System.Globalization;
using System.Text;
using MailKitServer.Addresses;
using MailKitServer.Runtime;
using MailKitServer.Smtp.Data;
using MailKitServer.Smtp.Diagnostics;
using MailKitServer.Smtp.Milter;
using MailKitServer.Users;

namespace MailKitServer.Smtp.Session;

/// <summary>
/// The content filters (milters) of the listener, asked at each SMTP step: their refusals answer the command, their
/// changes at end of message are applied to the stored copy and the envelope. Not on LMTP: its client is the MTA in
/// front of this server, whose filters have run (as Postfix runs smtpd_milters on SMTP only).
/// </summary>
internal sealed partial class SmtpSession
{
    private MilterChain? _milters;

    /// <summary>The queue id of the current message, as the filters know it (macro <c>i</c>); null without filters.</summary>
    private string? MilterQueueId => _milters is not null && _milters.Macros.TryGetValue("i", out var id) ? id : null;

    /// <summary>Connects the filters and tells them who connected; false when one refused (the reply is sent).</summary>
    private async ValueTask<bool> MilterConnectAsync()
    {
        if (_options.Milters.Count == 0 || _lmtp)
        {
            return true;
        }

        _milters = new MilterChain(_options, _context.TimeProvider, _logger, _connection.Id);
        var client = _connection.RemoteEndPoint;
        var address = client.Address.IsIPv4MappedToIPv6 ? client.Address.MapToIPv4() : client.Address;
        var macros = _milters.Macros;
        macros["j"] = ServerName;
        macros["daemon_name"] = _options.Milters[0].DaemonName ?? _connection.Listener.Name;
        macros["daemon_addr"] = _connection.LocalEndPoint.Address.ToString();
        macros["v"] = "MailKitServer";
        macros["_"] = $"[{address}]";
        macros["client_addr"] = address.ToString();
        macros["client_port"] = client.Port.ToString(CultureInfo.InvariantCulture);
        macros["client_name"] = "unknown";
        var decision = await _milters.ConnectAsync($"[{address}]", new System.Net.IPEndPoint(address, client.Port), _connection.Aborted).ConfigureAwait(false);
        if (decision.Action is not (MilterAction.Reject or MilterAction.TempFail))
        {
            return true;
        }

        // RFC 5321 §3.1: a server that will not serve answers 554 (or 421 for now) instead of the greeting, then closes.
        _connection.Write(decision.Action == MilterAction.TempFail ? $"421 4.7.0 {ServerName} Service unavailable - try again later\r\n" : $"554 5.7.1 {ServerName} Connection rejected\r\n");
        await _connection.FlushAsync().ConfigureAwait(false);
        return false;
    }

    /// <summary>SMFIC_HELO; true when a filter refused (the reply is sent).</summary>
    private ValueTask<bool> MilterRefusesHeloAsync(string helo)
    {
        if (_milters is { } milters && _connection.IsSecure)
        {
            milters.Macros["tls_version"] = _connection.TlsProtocol?.ToString() ?? string.Empty;
            milters.Macros["cipher"] = _connection.TlsCipherSuite?.ToString() ?? string.Empty;
        }

        return MilterRefusesAsync((m, ct) => m.HeloAsync(helo, ct));
    }

    /// <summary>SMFIC_MAIL with the message's new queue id; true when a filter refused (the reply is sent).</summary>
    private ValueTask<bool> MilterRefusesMailAsync(MailAddress? sender, MailParameters parameters)
    {
        if (_milters is not { } milters)
        {
            return ValueTask.FromResult(false);
        }

        milters.Macros["i"] = QueueId.Next();
        milters.Macros["mail_addr"] = sender?.Address ?? string.Empty;
        if (_info.AuthenticatedUser is { } user)
        {
            milters.Macros["auth_authen"] = user;
            milters.Macros["auth_type"] = "PLAIN";
        }
        else
        {
            milters.Macros.Remove("auth_authen");
            milters.Macros.Remove("auth_type");
        }

        return MilterRefusesAsync((m, ct) => m.MailAsync(sender?.Address ?? string.Empty, Arguments(parameters.All), ct));
    }

    /// <summary>SMFIC_RCPT; true when a filter refused this recipient (the reply is sent).</summary>
    private ValueTask<bool> MilterRefusesRecipientAsync(MailAddress recipient, RecipientParameters parameters)
    {
        if (_milters is not { } milters)
        {
            return ValueTask.FromResult(false);
        }

        milters.Macros["rcpt_addr"] = recipient.Address;
        return MilterRefusesAsync((m, ct) => m.RecipientAsync(recipient.Address, Arguments(parameters.All), ct));
    }

    /// <summary>SMFIC_DATA at the DATA command; true when a filter refused (the reply is sent, the transaction is over).</summary>
    private async ValueTask<bool> MilterRefusesDataAsync()
    {
        if (!await MilterRefusesAsync((m, ct) => m.DataAsync(ct)).ConfigureAwait(false))
        {
            return false;
        }

        ResetTransaction();
        return true;
    }

    private async ValueTask<bool> MilterRefusesAsync(Func<MilterChain, CancellationToken, Task<MilterDecision>> step)
    {
        if (_milters is not { } milters)
        {
            return false;
        }

        var decision = await step(milters, _connection.Aborted).ConfigureAwait(false);
        if (decision.Action is not (MilterAction.Reject or MilterAction.TempFail))
        {
            return false;
        }

        _connection.Write(decision.Reply + "\r\n");
        return true;
    }

    /// <summary>
    /// End of message for the filters: each sees the message as it will be stored (with our Authentication-Results and
    /// Received fields) as the filters before it left it. A refusal or discard is answered here (true); otherwise their
    /// changes are applied: the envelope's sender and recipients in the transaction, the header and body by writing the
    /// changed message into the spool (the returned edits are then empty: they are in it).
    /// </summary>
    private async ValueTask<(bool Answered, IReadOnlyList<ContentEdit> Edits, string? Quarantine)> MilterFilterAsync(SmtpTransaction transaction, IReadOnlyList<ContentEdit> edits, string messageId)
    {
        if (_milters is not { } milters)
        {
            return (false, edits, null);
        }

        using var outcome = await milters.EndOfMessageAsync(() => OpenDelivered(transaction, edits, transaction.ReturnPathLength), _connection.Aborted).ConfigureAwait(false);
        switch (outcome.Decision.Action)
        {
            case MilterAction.Reject or MilterAction.TempFail:
                _connection.Write(outcome.Decision.Reply + "\r\n");
                return (true, edits, null);
            case MilterAction.Discard:
                // libmilter SMFIS_DISCARD: acknowledged, then dropped; nothing is stored or sent on.
                MilterLog.Discarded(_logger, messageId);
                _connection.Write($"250 2.0.0 Ok: queued as {messageId}\r\n");
                return (true, edits, null);
        }

        foreach (var deleted in outcome.DeletedRecipients)
        {
            transaction.Recipients.RemoveAll(r => string.Equals(r.Address.Address, deleted, StringComparison.OrdinalIgnoreCase));
        }

        foreach (var added in outcome.AddedRecipients)
        {
            if (await MilterRecipientAsync(added, messageId).ConfigureAwait(false) is { } recipient
                && !transaction.Recipients.Any(r => string.Equals(r.Address.Address, added, StringComparison.OrdinalIgnoreCase)))
            {
                transaction.Recipients.Add(recipient);
            }
        }

        if (transaction.Recipients.Count == 0)
        {
            // The filters took every recipient away: as with a discard, there is nobody to deliver to.
            MilterLog.Discarded(_logger, messageId);
            _connection.Write($"250 2.0.0 Ok: queued as {messageId}\r\n");
            return (true, edits, null);
        }

        if (outcome.Sender is { } sender)
        {
            transaction.ChangeSender(sender.Length > 0 && MailAddress.TryParse(sender, allowUtf8: true, out var address) ? address : null);
        }

        if (outcome.Quarantine is { } reason)
        {
            MilterLog.Quarantined(_logger, messageId, reason);
        }

        if (outcome.Content is null && outcome.Sender is null)
        {
            return (false, edits, outcome.Quarantine);
        }

        // The spool becomes Return-Path (the sender as it now is) and the message as the filters left it.
        using var changed = outcome.Content is null ? await CopyAsync(OpenDelivered(transaction, edits, transaction.ReturnPathLength)).ConfigureAwait(false) : null;
        var content = outcome.Content ?? changed!;
        var spool = transaction.Spool;
        spool.Reset();
        spool.Write(Encoding.UTF8.GetBytes($"Return-Path: <{transaction.ReversePath}>\r\n"));
        transaction.ReturnPathLength = spool.Length;
        transaction.TraceLength = spool.Length;
        await using (var source = content.OpenRead(0))
        {
            await spool.WriteAsync(source, _connection.Aborted).ConfigureAwait(false);
        }

        if (spool.Overflowed)
        {
            _connection.Write("552 5.3.4 Message size exceeds fixed maximum message size\r\n"u8);
            return (true, [], null);
        }

        return (false, [], outcome.Quarantine);
    }

    /// <summary>A recipient a filter added, resolved as RCPT would (local mailboxes, or relayed when outbound delivery is on).</summary>
    private async ValueTask<SmtpRecipient?> MilterRecipientAsync(string address, string messageId)
    {
        if (!MailAddress.TryParse(address, allowUtf8: true, out var recipient))
        {
            MilterLog.AddedRecipientDropped(_logger, messageId, address, RecipientStatus.UnknownUser);
            return null;
        }

        var resolution = await _context.Directory.ResolveAsync(recipient, _connection.Aborted).ConfigureAwait(false);
        if (resolution.Status == RecipientStatus.Resolved && (resolution.RemoteAddresses.Count == 0 || _context.OutboundQueue is not null))
        {
            return new SmtpRecipient(recipient, resolution.Mailboxes, resolution.RemoteAddresses, Delivery.DsnNotify.None, null);
        }

        if (resolution.Status == RecipientStatus.NotLocal && _context.OutboundQueue is not null)
        {
            // The operator's filter asked for it: relayed like an authenticated client's recipient.
            return new SmtpRecipient(recipient, [], [recipient], Delivery.DsnNotify.None, null, Relayed: true);
        }

        MilterLog.AddedRecipientDropped(_logger, messageId, address, resolution.Status);
        return null;
    }

    private async ValueTask<MessageSpool> CopyAsync(Stream source)
    {
        var copy = new MessageSpool(long.MaxValue, _options.SpoolMemoryThreshold, _options.SpoolDirectory);
        await using (source.ConfigureAwait(false))
        {
            await copy.WriteAsync(source, _connection.Aborted).ConfigureAwait(false);
        }

        return copy;
    }

    /// <summary>Sends SMFIC_QUIT and closes the filters' connections.</summary>
    private async ValueTask MilterCloseAsync()
    {
        if (_milters is { } milters)
        {
            _milters = null;
            await milters.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>ESMTP parameters as the filters get them: "NAME=value" or "NAME".</summary>
    private static IEnumerable<string> Arguments(IReadOnlyDictionary<string, string?> parameters) =>
        parameters.Select(p => p.Value is null ? p.Key : $"{p.Key}={p.Value}");
}
