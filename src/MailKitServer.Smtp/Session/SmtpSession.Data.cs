using System.Buffers;
using System.Globalization;
using System.Text;
using MailKitServer.Addresses;
using MailKitServer.Delivery;
using MailKitServer.Policy;
using MailKitServer.Replies;
using MailKitServer.Runtime;
using MailKitServer.Smtp.Diagnostics;
using MailKitServer.Smtp.Filtering;
using MailKitServer.Storage;

namespace MailKitServer.Smtp.Session;

/// <summary>DATA, BDAT and the delivery of a received message.</summary>
internal sealed partial class SmtpSession
{
    private async ValueTask<bool> DataAsync(ReadOnlyMemory<byte> argument)
    {
        if (!argument.IsEmpty)
        {
            return await ErrorAsync("501 5.5.4 Syntax: DATA\r\n"u8).ConfigureAwait(false);
        }

        if (_state is SmtpState.Connected or SmtpState.Ready)
        {
            return await ErrorAsync("503 5.5.1 Error: need MAIL command\r\n"u8).ConfigureAwait(false);
        }

        if (_state == SmtpState.Mail)
        {
            // RFC 5321 §3.3: DATA with no accepted recipient gets 554 (or 503).
            return await ErrorAsync("554 5.5.1 Error: no valid recipients\r\n"u8).ConfigureAwait(false);
        }

        if (_state == SmtpState.Chunking || _transaction.Body == BodyType.BinaryMime)
        {
            // RFC 3030 §3: BINARYMIME requires BDAT; DATA may not follow BDAT in one transaction.
            return await ErrorAsync("503 5.5.1 Error: use BDAT for this transaction\r\n"u8).ConfigureAwait(false);
        }

        if (await MilterRefusesDataAsync().ConfigureAwait(false))
        {
            return true;
        }

        _connection.Write("354 End data with <CR><LF>.<CR><LF>\r\n"u8);
        BeginContent();
        StartDataTimers();
        try
        {
            while (true)
            {
                var result = await _connection.ReadAsync().ConfigureAwait(false);
                var buffer = result.Buffer;
                long used = 0;
                var ended = false;
                foreach (var segment in buffer)
                {
                    ended = _transaction.Unstuffer.Decode(segment.Span, _transaction.Spool, out var consumed);
                    used += consumed;
                    if (ended)
                    {
                        break;
                    }
                }

                _connection.Input.AdvanceTo(buffer.GetPosition(used));
                if (ended)
                {
                    break;
                }

                if (result.IsCompleted)
                {
                    // The connection ended before CRLF.CRLF: nothing is delivered (RFC 5321 §4.1.1.4).
                    _transaction.Reset();
                    return false;
                }
            }
        }
        finally
        {
            StopDataTimers();
        }

        await FinishMessageAsync().ConfigureAwait(false);
        return true;
    }

    private async ValueTask<bool> BdatAsync(ReadOnlyMemory<byte> argumentMemory)
    {
        // RFC 3030 §2: bdat-cmd = "BDAT" SP chunk-size [ SP end-marker ] CR LF
        var argument = argumentMemory.Span;
        var space = argument.IndexOf((byte)' ');
        var sizeText = space < 0 ? argument : argument[..space];
        var last = space >= 0 && System.Text.Ascii.EqualsIgnoreCase(argument[(space + 1)..].Trim((byte)' '), "LAST"u8);
        if (sizeText.IsEmpty || sizeText.Length > 18 || !long.TryParse(sizeText, NumberStyles.None, CultureInfo.InvariantCulture, out var size) || (space >= 0 && !last))
        {
            return await ErrorAsync("501 5.5.4 Syntax: BDAT chunk-size [LAST]\r\n"u8).ConfigureAwait(false);
        }

        var valid = _state is SmtpState.Recipients or SmtpState.Chunking;
        if (valid && _state == SmtpState.Recipients)
        {
            BeginContent();
            _state = SmtpState.Chunking;
        }

        // The chunk's octets are read whatever the state, so the session stays in sync with the client.
        StartDataTimers();
        try
        {
            var remaining = size;
            while (remaining > 0)
            {
                var result = await _connection.ReadAsync().ConfigureAwait(false);
                var buffer = result.Buffer;
                var take = Math.Min(remaining, buffer.Length);
                if (valid)
                {
                    foreach (var segment in buffer.Slice(0, take))
                    {
                        _transaction.Spool.Write(segment.Span);
                    }
                }

                remaining -= take;
                _connection.Input.AdvanceTo(buffer.GetPosition(take));
                if (remaining > 0 && result.IsCompleted)
                {
                    _transaction.Reset();
                    return false;
                }
            }
        }
        finally
        {
            StopDataTimers();
        }

        if (!valid)
        {
            return await ErrorAsync(_state == SmtpState.Mail ? "554 5.5.1 Error: no valid recipients\r\n"u8 : "503 5.5.1 Error: need MAIL and RCPT commands\r\n"u8).ConfigureAwait(false);
        }

        if (_transaction.Spool.Overflowed)
        {
            // RFC 1870 §6.3 / RFC 3030: refuse as soon as the limit is passed; the transaction is over.
            ResetTransaction();
            _connection.Write("552 5.3.4 Message size exceeds fixed maximum message size\r\n"u8);
            return true;
        }

        if (!last)
        {
            _connection.Write($"250 2.0.0 {size} octets received\r\n");
            return true;
        }

        await FinishMessageAsync().ConfigureAwait(false);
        return true;
    }

    /// <summary>Starts a message: the spool gets Return-Path and Received before the content (RFC 5321 §4.4).</summary>
    private void BeginContent()
    {
        var spool = _transaction.Spool;
        spool.Reset();
        _transaction.Unstuffer.Reset();
        WriteText(spool, $"Return-Path: <{_transaction.ReversePath}>\r\n");
        _transaction.ReturnPathLength = spool.Length;
        WriteText(spool, BuildReceived());
        _transaction.TraceLength = spool.Length;
    }

    /// <summary>Writes the text a builder holds (UTF-8) to the spool through pooled buffers: no string of its own.</summary>
    private static void WriteText(MessageSpool spool, StringBuilder text)
    {
        var length = text.Length;
        var chars = ArrayPool<char>.Shared.Rent(length);
        text.CopyTo(0, chars, length);
        var buffer = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(length));
        var n = Encoding.UTF8.GetBytes(chars.AsSpan(0, length), buffer);
        spool.Write(buffer.AsSpan(0, n));
        ArrayPool<byte>.Shared.Return(buffer);
        ArrayPool<char>.Shared.Return(chars);
    }

    /// <summary>Writes text (UTF-8) to the spool through a pooled buffer rather than an array of its own.</summary>
    private static void WriteText(MessageSpool spool, string text)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(text.Length));
        var n = Encoding.UTF8.GetBytes(text, buffer);
        spool.Write(buffer.AsSpan(0, n));
        ArrayPool<byte>.Shared.Return(buffer);
    }

    /// <summary>
    /// The Received field of the message being started, in the thread's builder (the caller copies it to the spool
    /// before it waits for anything) and with the client's address text the session keeps: neither a message nor a
    /// connection costs a builder of its own (a new connection per message made one each).
    /// </summary>
    private StringBuilder BuildReceived()
    {
        var sb = t_received ??= new StringBuilder(256);
        sb.Clear();
        var address = _connection.RemoteEndPoint.Address;
        _receivedFrom ??= (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();
        sb.Append("Received: from ").Append(_info.HeloName ?? "unknown").Append(" (").Append(_receivedFrom).Append(")\r\n");

        // RFC 3848 protocol types; RFC 6531 §4.3 UTF8SMTP variants.
        sb.Append("\tby ").Append(ServerName).Append(" (MailKitServer) with ").Append(_transaction.SmtpUtf8 ? "UTF8" : string.Empty);
        sb.Append(_lmtp ? "LMTP" : _esmtp ? (_transaction.SmtpUtf8 ? "SMTP" : "ESMTP") : "SMTP");
        if (_connection.IsSecure && (_esmtp || _lmtp))
        {
            sb.Append('S');
        }

        if (_info.AuthenticatedUser is not null && (_esmtp || _lmtp))
        {
            sb.Append('A');
        }

        if (_connection.IsSecure)
        {
            // RFC 8314 §7.4 suggests recording the TLS use in the trace.
            sb.Append("\r\n\t(using ").Append(_connection.TlsProtocol).Append(" with cipher ").Append(_connection.TlsCipherSuite).Append(')');
        }

        if (_transaction.Recipients.Count == 1)
        {
            sb.Append("\r\n\tfor <").Append(_transaction.Recipients[0].Address.Address).Append('>');
        }

        sb.Append("; ").Append(FormatDate(_context.TimeProvider.GetUtcNow())).Append("\r\n");
        return sb;
    }

    private async ValueTask FinishMessageAsync()
    {
        var transaction = _transaction;
        await LeaveSocketThreadIfDeliveryMayBlockAsync(transaction).ConfigureAwait(false);
        var messageId = MilterQueueId ?? QueueId.Next();
        try
        {
            if (transaction.Spool.Overflowed)
            {
                ReplyToAll("552 5.3.4 Message size exceeds fixed maximum message size\r\n");
                return;
            }

            var spool = transaction.Spool;
            var size = spool.Length - transaction.TraceLength;
            var senderCheck = await CheckSenderAsync(transaction).ConfigureAwait(false);
            var check = new MessageCheckRequest(transaction.Sender, Addresses(transaction.Recipients), size, () => spool.OpenRead(transaction.TraceLength))
            {
                Authentication = senderCheck?.Authentication,
            };
            var verdict = await _context.Policy.OnMessageAsync(_info, check, _connection.Aborted).ConfigureAwait(false);
            if (!verdict.IsAccepted)
            {
                ReplyToAll(verdict.Reply!);
                return;
            }

            var (answered, edits, milterQuarantine) = await MilterFilterAsync(transaction, await DeliveredEditsAsync(transaction, senderCheck).ConfigureAwait(false), messageId).ConfigureAwait(false);
            if (answered)
            {
                return;
            }

            var quarantined = verdict.IsQuarantined || milterQuarantine is not null;

            // One copy per mailbox, however many recipients lead to it; a delivery filter (Sieve) decides each owner's copies.
            var arrivedAt = _context.TimeProvider.GetUtcNow();
            var targets = DistinctTargets(transaction.Recipients);

            // A quarantined message goes to each user's junk mailbox instead (the one with the \Junk role, made when
            // missing; one copy per user and mailbox), without the user's rules; otherwise the delivery filter decides.
            var junk = quarantined ? await JunkMailboxesAsync(targets.Select(t => t.Target.UserId)).ConfigureAwait(false) : null;
            var stored = junk is null ? targets : targets.Select(t => (StoredAt(t.Target, junk), t.Recipient)).DistinctBy(t => t.Item1).ToList();
            var local = await LocalDelivery.DeliverAsync(_context, _logger, messageId, transaction.ReversePath, stored, () => OpenDelivered(transaction, edits, 0), spool.Length, arrivedAt, _connection.Aborted, runFilter: !quarantined).ConfigureAwait(false);
            var delivered = Outcome(targets, local.Delivered, junk);
            var full = Outcome(targets, local.Full, junk);
            var refused = RefusedRecipients(transaction, local);
            if (!_lmtp && refused.Count == transaction.Recipients.Count)
            {
                // RFC 5429 §2.1: every copy refused by its owner's rules: refuse in the protocol, nothing else is sent.
                _connection.Write($"550 5.7.1 {ReplyText(local.Rejected.Values.First())}\r\n");
                return;
            }

            await QueueRemoteAsync(transaction, edits, senderCheck).ConfigureAwait(false);

            _context.Metrics.MessagesReceived.Add(1);
            _context.Metrics.BytesReceived.Add(size);

            // RFC 3461 §5.2.3: a "delivered" DSN for recipients that asked for one, once their mail is stored and
            // acknowledged (with SMTP only when the whole message is; LMTP acknowledges recipient by recipient).
            IReadOnlyList<SmtpRecipient> acknowledged = AskedForSuccess(transaction.Recipients)
                ? transaction.Recipients.Where(r => r.Mailboxes.All(delivered.Contains) && (_lmtp || delivered.Count == targets.Count) && !refused.Contains(r)).ToList()
                : [];
            await SendFilterMessagesAsync(transaction, edits, local, refused, messageId, senderCheck).ConfigureAwait(false);
            await NotifyDeliveredAsync(transaction, acknowledged, messageId, arrivedAt).ConfigureAwait(false);
            ReplyDelivered(transaction, local, delivered, full, refused, targets.Count, messageId, size);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            SmtpLog.DeliveryFailed(_logger, ex, _connection.Id, messageId);
            ReplyToAll("451 4.3.0 Error: local delivery failed, try again later\r\n");
        }
        finally
        {
            ResetTransaction();
        }
    }

    /// <summary>Where a copy for <paramref name="target"/> is stored: its own mailbox, or its user's junk mailbox when quarantined.</summary>
    private static MailboxTarget StoredAt(MailboxTarget target, Dictionary<string, string>? junk) =>
        junk is null ? target : target with { Mailbox = junk[target.UserId] };

    /// <summary>The recipients' mailboxes whose copy (where <see cref="StoredAt"/> put it) has this outcome; a loop, not LINQ: this runs for every message.</summary>
    private static IReadOnlySet<MailboxTarget> Outcome(List<(MailboxTarget Target, string Recipient)> targets, HashSet<MailboxTarget> outcome, Dictionary<string, string>? junk)
    {
        if (outcome.Count == 0)
        {
            return NoTargets;
        }

        var set = new HashSet<MailboxTarget>();
        foreach (var (target, _) in targets)
        {
            if (outcome.Contains(StoredAt(target, junk)))
            {
                set.Add(target);
            }
        }

        return set;
    }

    /// <summary>The recipients' addresses, for the policy's message stage.</summary>
    private static MailAddress[] Addresses(List<SmtpRecipient> recipients)
    {
        var addresses = new MailAddress[recipients.Count];
        for (var i = 0; i < addresses.Length; i++)
        {
            addresses[i] = recipients[i].Address;
        }

        return addresses;
    }

    /// <summary>Whether any recipient asked for a "delivered" notice (RFC 3461 NOTIFY=SUCCESS): only then are the acknowledged ones listed.</summary>
    private static bool AskedForSuccess(List<SmtpRecipient> recipients)
    {
        foreach (var r in recipients)
        {
            if ((r.Notify & DsnNotify.Success) != 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The mailboxes the recipients resolved to, each once, with the first recipient that led to it. One recipient with
    /// one mailbox (nearly every message) makes a list of one without LINQ's iterators and hash set.
    /// </summary>
    private static List<(MailboxTarget Target, string Recipient)> DistinctTargets(List<SmtpRecipient> recipients)
    {
        if (recipients is [{ Mailboxes: [var only] } single])
        {
            return [(only, single.Address.Address)];
        }

        return recipients.SelectMany(r => r.Mailboxes.Select(m => (Target: m, Recipient: r.Address.Address))).DistinctBy(t => t.Target).ToList();
    }

    /// <summary>Delivery may fsync (Maildir), run Sieve and DKIM: then not on a socket engine's thread.</summary>
    private ValueTask LeaveSocketThreadIfDeliveryMayBlockAsync(SmtpTransaction transaction) =>
        DeliveryMayBlock(transaction) ? ThreadPoolHop.LeaveSocketThreadAsync() : default;

    /// <summary>
    /// Whether delivering the message may block a thread or run long, so that it must leave a socket engine's thread
    /// first (<see cref="ThreadPoolHop"/>). Only a message whose whole path is known to be short and in memory stays:
    /// a store, delivery filter (Sieve) and outbound queue that say they keep everything in memory
    /// (<see cref="IBlockingHint"/>; the queue only matters for a remote recipient or a "delivered" notice), the spool
    /// in memory, the default policy, no sender checks or DKIM signing (public-key operations, DNS), no milters. The
    /// hop costs two context switches per message: about 20% of intake into the in-memory store (issue 24).
    /// </summary>
    private bool DeliveryMayBlock(SmtpTransaction transaction) =>
        IBlockingHint.Of(_context.Store)
        || IBlockingHint.Of(_context.DeliveryFilter)
        || !transaction.Spool.InMemory
        || _context.Policy.GetType() != typeof(DeliveryPolicy)
        || (_authenticator is not null && _info.AuthenticatedUser is null)
        || (_signer is not null && _info.AuthenticatedUser is not null)
        || _milters is not null
        || (IBlockingHint.Of(_context.OutboundQueue) && transaction.Recipients.Any(r => r.Remote.Count > 0 || (r.Notify & DsnNotify.Success) != 0));

    /// <summary>The user's junk mailbox for each user (found or made), for a quarantined message.</summary>
    private async Task<Dictionary<string, string>> JunkMailboxesAsync(IEnumerable<string> users)
    {
        var junk = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var user in users.Distinct())
        {
            junk[user] = await JunkMailbox.FindOrCreateAsync(_context, user, _options.QuarantineMailbox, _connection.Aborted).ConfigureAwait(false);
        }

        return junk;
    }

    /// <summary>The reply to the end of data once the local copies are stored: one per recipient with LMTP, one in all with SMTP.</summary>
    private void ReplyDelivered(SmtpTransaction transaction, LocalDeliveryResult local, IReadOnlySet<MailboxTarget> delivered, IReadOnlySet<MailboxTarget> full, IReadOnlySet<SmtpRecipient> refused, int targetCount, string messageId, long size)
    {
        if (_lmtp)
        {
            // RFC 2033 §4.2: one reply per accepted recipient, in order.
            foreach (var r in transaction.Recipients)
            {
                _connection.Write(refused.Contains(r)
                    ? $"550 5.7.1 <{r.Address.Address}> {ReplyText(local.Rejected[r.Mailboxes[0]])}\r\n"
                    : r.Mailboxes.All(delivered.Contains)
                    ? $"250 2.1.5 <{r.Address.Address}> delivered\r\n"
                    : r.Mailboxes.Any(full.Contains)
                        ? $"552 5.2.2 <{r.Address.Address}> mailbox full\r\n"
                        : $"451 4.3.0 <{r.Address.Address}> delivery failed, try again later\r\n");
            }
        }
        else if (delivered.Count == targetCount)
        {
            SmtpLog.MessageAccepted(_logger, _connection.Id, messageId, transaction.ReversePath, transaction.Recipients.Count, size);
            _connection.Write($"250 2.0.0 Ok: queued as {messageId}\r\n");
        }
        else if (delivered.Count == 0 && full.Count == targetCount)
        {
            // RFC 3463 X.2.2: mailbox full (a quota); nothing was stored.
            _connection.Write("552 5.2.2 Mailbox full\r\n"u8);
        }
        else
        {
            // A copy that was not stored must not be acknowledged; a retry may duplicate the others, never lose one.
            _connection.Write("451 4.3.0 Error: local delivery failed, try again later\r\n"u8);
        }
    }

    private void ReplyToAll(SmtpReply reply)
    {
        var count = _lmtp ? _transaction.Recipients.Count : 1;
        for (var i = 0; i < count; i++)
        {
            Reply(reply);
        }
    }

    private void ReplyToAll(string reply)
    {
        var count = _lmtp ? _transaction.Recipients.Count : 1;
        for (var i = 0; i < count; i++)
        {
            _connection.Write(reply);
        }
    }

    /// <summary>An RFC 5322 §3.3 date-time, such as <c>Sun, 22 Nov 2026 03:00:00 +0000</c> (MimeKit's formatter).</summary>
    private static string FormatDate(DateTimeOffset date) => MimeKit.Utils.DateUtils.FormatDate(date);

    /// <summary>
    /// Message data has its own timers: <see cref="SmtpOptions.DataTimeout"/> between blocks and
    /// <see cref="SmtpOptions.DataTotalTimeout"/> for the whole transfer (RFC 5321 §4.5.3.2), so data that trickles in
    /// cannot hold the session. A read past either throws <see cref="MailKitServer.Runtime.MailConnectionTimeoutException"/>: 421.
    /// </summary>
    private void StartDataTimers()
    {
        _connection.IdleTimeout = _options.DataTimeout;
        _connection.Deadline = _context.TimeProvider.GetUtcNow() + _options.DataTotalTimeout;
    }

    private void StopDataTimers()
    {
        _connection.IdleTimeout = _options.CommandTimeout;
        _connection.Deadline = null;
    }
}
