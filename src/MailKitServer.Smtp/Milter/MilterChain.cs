using System.Net;
using MailKitServer.Runtime;
using MailKitServer.Smtp.Diagnostics;
using Microsoft.Extensions.Logging;

namespace MailKitServer.Smtp.Milter;

/// <summary>
/// The filters of one SMTP session, asked in order at each step. The first Reject or TempFail answers the step (later
/// filters are not asked); Accept leaves that filter out for the message (or, at connect and HELO, the session);
/// Discard drops the message. A filter that fails applies its default action. At end of message each filter is sent
/// the message as the filters before it left it, and its changes are applied before the next one sees it.
/// </summary>
internal sealed class MilterChain : IAsyncDisposable
{
    /// <summary>The reply of a filter's TempFail without a reply of its own, and of a failed filter (Postfix's text).</summary>
    public const string TempFailReply = "451 4.7.1 Service unavailable - try again later";

    /// <summary>The reply of a filter's Reject without a reply of its own (Postfix's text).</summary>
    public const string RejectReply = "550 5.7.1 Command rejected";

    // The macros sent when a filter names none for a stage (Postfix's milter_*_macros defaults, with the client's address).
    private static readonly Dictionary<MilterMacroStage, string[]> DefaultMacros = new()
    {
        [MilterMacroStage.Connect] = ["j", "daemon_name", "daemon_addr", "v", "_", "client_addr", "client_port", "client_name"],
        [MilterMacroStage.Helo] = ["tls_version", "cipher"],
        [MilterMacroStage.Mail] = ["i", "auth_type", "auth_authen", "mail_addr"],
        [MilterMacroStage.Recipient] = ["i", "rcpt_addr"],
        [MilterMacroStage.Data] = ["i"],
        [MilterMacroStage.EndOfHeaders] = ["i"],
        [MilterMacroStage.EndOfMessage] = ["i"],
    };

    private readonly List<MilterLink> _links;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly long _connectionId;
    private readonly SmtpOptions _options;
    private bool _dataSent;

    public MilterChain(SmtpOptions options, TimeProvider time, ILogger logger, long connectionId)
    {
        _options = options;
        _links = options.Milters.Select(o => new MilterLink(o)).ToList();
        _time = time;
        _logger = logger;
        _connectionId = connectionId;
    }

    /// <summary>The macro values (names without braces) the session knows; sent when a filter wants them.</summary>
    public Dictionary<string, string> Macros { get; } = new(StringComparer.Ordinal);

    /// <summary>A filter asked to discard the current message.</summary>
    public bool Discarded { get; private set; }

    /// <summary>Connects to every filter and sends SMFIC_CONNECT.</summary>
    public async Task<MilterDecision> ConnectAsync(string hostName, IPEndPoint client, CancellationToken cancellationToken)
    {
        foreach (var link in _links)
        {
            try
            {
                link.Client = await MilterClient.ConnectAsync(link.Options.EndPoint, link.Options.Timeout, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (MilterException ex)
            {
                Fail(link, ex);
            }
        }

        return await StepAsync(MilterMacroStage.Connect, (c, ct) => c.ConnectAsync(hostName, client, ct), connection: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>SMFIC_HELO (after ending a message a filter still has open).</summary>
    public async Task<MilterDecision> HeloAsync(string helo, CancellationToken cancellationToken)
    {
        await AbortAsync(cancellationToken).ConfigureAwait(false);
        return await StepAsync(MilterMacroStage.Helo, (c, ct) => c.HeloAsync(helo, ct), connection: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>SMFIC_MAIL: a new message for every filter not done with the session.</summary>
    public async Task<MilterDecision> MailAsync(string sender, IEnumerable<string> parameters, CancellationToken cancellationToken)
    {
        await AbortAsync(cancellationToken).ConfigureAwait(false);
        foreach (var link in _links)
        {
            link.AcceptedMessage = false;
            link.MessageOpen = link.Active;
        }

        Discarded = false;
        _dataSent = false;
        return await StepAsync(MilterMacroStage.Mail, (c, ct) => c.MailAsync(sender, parameters, ct), connection: false, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>SMFIC_RCPT: a Reject or TempFail refuses this recipient only.</summary>
    public Task<MilterDecision> RecipientAsync(string recipient, IEnumerable<string> parameters, CancellationToken cancellationToken) =>
        StepAsync(MilterMacroStage.Recipient, (c, ct) => c.RecipientAsync(recipient, parameters, ct), connection: false, cancellationToken);

    /// <summary>SMFIC_DATA (once per message: at the DATA command, or at the end of a BDAT transfer).</summary>
    public Task<MilterDecision> DataAsync(CancellationToken cancellationToken)
    {
        _dataSent = true;
        return StepAsync(MilterMacroStage.Data, (c, ct) => c.DataAsync(ct), connection: false, cancellationToken);
    }

    /// <summary>
    /// The content steps (headers, end of headers, body, end of message) for each filter in turn, each seeing the
    /// message as the ones before it changed it; the envelope changes are collected, the content ones applied.
    /// </summary>
    /// <param name="open">Opens the message as it stands (without Return-Path), seekable, from its first header field.</param>
    /// <param name="cancellationToken">Cancels the steps.</param>
    /// <returns>The decision and the changes; the caller disposes it.</returns>
    public async Task<MilterOutcome> EndOfMessageAsync(Func<Stream> open, CancellationToken cancellationToken)
    {
        var outcome = new MilterOutcome();
        try
        {
            if (!_dataSent)
            {
                outcome.Decision = await DataAsync(cancellationToken).ConfigureAwait(false);
                if (outcome.Decision.Action != MilterAction.Continue)
                {
                    return outcome;
                }
            }

            foreach (var link in _links)
            {
                if (Discarded)
                {
                    outcome.Decision = new MilterDecision(MilterAction.Discard);
                    return outcome;
                }

                if (link.Failed && link.Options.DefaultAction == MilterDefaultAction.TempFail)
                {
                    outcome.Decision = new MilterDecision(MilterAction.TempFail, TempFailReply);
                    return outcome;
                }

                if (!link.Active)
                {
                    continue;
                }

                try
                {
                    var current = outcome.Content is { } changed ? (Func<Stream>)(() => changed.OpenRead(0)) : open;
                    var decision = await FilterContentAsync(link, current, outcome, cancellationToken).ConfigureAwait(false);
                    if (decision.Action is MilterAction.Reject or MilterAction.TempFail)
                    {
                        outcome.Decision = Reply(decision);
                        return outcome;
                    }

                    if (decision.Action == MilterAction.Discard)
                    {
                        Discarded = true;
                    }
                }
                catch (MilterException ex)
                {
                    Fail(link, ex);
                    if (link.Options.DefaultAction == MilterDefaultAction.TempFail)
                    {
                        outcome.Decision = new MilterDecision(MilterAction.TempFail, TempFailReply);
                        return outcome;
                    }
                }
            }

            if (Discarded)
            {
                outcome.Decision = new MilterDecision(MilterAction.Discard);
            }

            return outcome;
        }
        finally
        {
            if (outcome.Decision.Action != MilterAction.Continue)
            {
                outcome.Content?.Dispose();
                outcome.Content = null;
            }
        }
    }

    /// <summary>SMFIC_ABORT to every filter with a message open.</summary>
    public async Task AbortAsync(CancellationToken cancellationToken)
    {
        foreach (var link in _links)
        {
            if (link.MessageOpen && link.Client is { } client && !link.Failed)
            {
                link.MessageOpen = false;
                try
                {
                    await client.AbortAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (MilterException ex)
                {
                    Fail(link, ex);
                }
            }

            link.MessageOpen = false;
        }
    }

    /// <summary>SMFIC_QUIT to every filter still connected, and closes the connections.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var link in _links)
        {
            if (link.Client is not { } client)
            {
                continue;
            }

            link.Client = null;
            try
            {
                using var quit = new CancellationTokenSource(link.Options.Timeout, _time);
                await client.QuitAsync(quit.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is MilterException or OperationCanceledException)
            {
                // The session is over either way.
            }

            await client.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task<MilterDecision> FilterContentAsync(MilterLink link, Func<Stream> open, MilterOutcome outcome, CancellationToken cancellationToken)
    {
        var (settled, block, start) = await SendContentAsync(link, open, cancellationToken).ConfigureAwait(false);
        if (settled is not null)
        {
            return settled;
        }

        await SendMacrosAsync(link, MilterMacroStage.EndOfMessage, cancellationToken).ConfigureAwait(false);
        var (decision, changes) = await link.Client!.EndOfMessageAsync(cancellationToken).ConfigureAwait(false);
        link.MessageOpen = false;
        link.AcceptedMessage = true;
        if (decision.Action != MilterAction.Continue)
        {
            MilterLog.Decided(_logger, _connectionId, link.Options.EndPoint.ToString() ?? "?", decision.Action, "end of message");
        }

        if (decision.Action is MilterAction.Reject or MilterAction.TempFail or MilterAction.Discard)
        {
            return decision;
        }

        var (headersChanged, body) = ApplyChanges(link, changes, block, outcome);
        if (headersChanged || body is not null)
        {
            // The next filter (and the store) sees the changed message: written out once per changing filter.
            var next = await WriteChangedAsync(block, body, open, start, cancellationToken).ConfigureAwait(false);
            outcome.Content?.Dispose();
            outcome.Content = next;
        }

        return decision;
    }

    /// <summary>
    /// Sends the header fields, end of headers and the body; returns the filter's verdict if it settled the message
    /// before its end, the header block read (to apply changes to) and where the message starts in the stream.
    /// </summary>
    private async Task<(MilterDecision? Settled, HeaderBlock Block, long Start)> SendContentAsync(MilterLink link, Func<Stream> open, CancellationToken cancellationToken)
    {
        var client = link.Client!;
        await using var content = open();

        // The stream may start at an offset (the spool after Return-Path): the block's offsets count from there.
        var start = content.Position;
        var block = await HeaderBlock.ReadAsync(content, cancellationToken).ConfigureAwait(false);
        foreach (var (name, value) in block.Fields)
        {
            var header = await client.HeaderAsync(name, value, cancellationToken).ConfigureAwait(false);
            if (Settled(link, header, "header") is { } settled)
            {
                return (settled, block, start);
            }
        }

        await SendMacrosAsync(link, MilterMacroStage.EndOfHeaders, cancellationToken).ConfigureAwait(false);
        var eoh = await client.EndOfHeadersAsync(cancellationToken).ConfigureAwait(false);
        if (Settled(link, eoh, "end of headers") is { } afterHeaders)
        {
            return (afterHeaders, block, start);
        }

        content.Position = start + block.BodyOffset;
        var body = await client.BodyAsync(content, cancellationToken).ConfigureAwait(false);
        return (body.Action != MilterAction.Skip ? Settled(link, body, "body") : null, block, start);
    }

    /// <summary>Applies a filter's end-of-message changes: header fields to the block, the rest to the outcome; returns whether headers changed and the new body, if any.</summary>
    private static (bool HeadersChanged, byte[]? Body) ApplyChanges(MilterLink link, IEnumerable<MilterModification> changes, HeaderBlock block, MilterOutcome outcome)
    {
        byte[]? body = null;
        var headersChanged = false;
        foreach (var change in changes)
        {
            switch (change.Kind)
            {
                case MilterModificationKind.AddHeader or MilterModificationKind.InsertHeader or MilterModificationKind.ChangeHeader:
                    block.Apply(change);
                    headersChanged = true;
                    if (link.Options.SpamHeader is { } spamHeader && string.Equals(change.Name, spamHeader, StringComparison.OrdinalIgnoreCase)
                        && change.Value?.TrimStart().StartsWith("yes", StringComparison.OrdinalIgnoreCase) == true)
                    {
                        outcome.Quarantine ??= $"{spamHeader}: {change.Value.Trim()}";
                    }

                    break;
                case MilterModificationKind.ReplaceBody:
                    body = CanonicalLineEnds(change.Body ?? []);
                    break;
                case MilterModificationKind.AddRecipient:
                    outcome.DeletedRecipients.RemoveAll(r => string.Equals(r, change.Name, StringComparison.OrdinalIgnoreCase));
                    outcome.AddedRecipients.Add(change.Name);
                    break;
                case MilterModificationKind.DeleteRecipient:
                    outcome.AddedRecipients.RemoveAll(r => string.Equals(r, change.Name, StringComparison.OrdinalIgnoreCase));
                    outcome.DeletedRecipients.Add(change.Name);
                    break;
                case MilterModificationKind.ChangeFrom:
                    outcome.Sender = change.Name;
                    break;
                case MilterModificationKind.Quarantine:
                    outcome.Quarantine = change.Name.Length > 0 ? change.Name : "quarantined by a milter";
                    break;
            }
        }

        return (headersChanged, body);
    }

    /// <summary>Writes the changed message (the block, then the new body or the old one) to a new spool.</summary>
    private async Task<MessageSpool> WriteChangedAsync(HeaderBlock block, byte[]? body, Func<Stream> open, long start, CancellationToken cancellationToken)
    {
        var next = new MessageSpool(_options.MaxMessageSize + (64L * 1024 * 1024), _options.SpoolMemoryThreshold, _options.SpoolDirectory);
        try
        {
            block.WriteTo(next.Write);
            if (body is not null)
            {
                next.Write(body);
            }
            else
            {
                await using var source = open();
                source.Position = start + block.BodyOffset;
                await next.WriteAsync(source, cancellationToken).ConfigureAwait(false);
            }

            if (next.Overflowed)
            {
                throw new MilterException("the changed message is larger than the size limit allows");
            }

            return next;
        }
        catch
        {
            next.Dispose();
            throw;
        }
    }

    /// <summary>Null to go on with the content steps; otherwise the answer that ends them for this filter.</summary>
    private MilterDecision? Settled(MilterLink link, MilterDecision decision, string stage)
    {
        switch (decision.Action)
        {
            case MilterAction.Continue:
                return null;
            case MilterAction.Accept:
                // Accepted without end of message: no changes; an SMFIC_ABORT ends it before the next message.
                link.AcceptedMessage = true;
                return MilterDecision.Continue;
            default:
                MilterLog.Decided(_logger, _connectionId, link.Options.EndPoint.ToString() ?? "?", decision.Action, stage);
                link.AcceptedMessage = true;
                return decision.Action == MilterAction.Skip ? null : decision;
        }
    }

    private async Task<MilterDecision> StepAsync(MilterMacroStage stage, Func<MilterClient, CancellationToken, Task<MilterDecision>> step, bool connection, CancellationToken cancellationToken)
    {
        foreach (var link in _links)
        {
            if (Discarded && !connection)
            {
                return MilterDecision.Continue;
            }

            if (link.Failed)
            {
                if (link.Options.DefaultAction == MilterDefaultAction.TempFail)
                {
                    return new MilterDecision(MilterAction.TempFail, TempFailReply);
                }

                continue;
            }

            if (!link.Active)
            {
                continue;
            }

            MilterDecision decision;
            try
            {
                await SendMacrosAsync(link, stage, cancellationToken).ConfigureAwait(false);
                decision = await step(link.Client!, cancellationToken).ConfigureAwait(false);
            }
            catch (MilterException ex)
            {
                Fail(link, ex);
                if (link.Options.DefaultAction == MilterDefaultAction.TempFail)
                {
                    return new MilterDecision(MilterAction.TempFail, TempFailReply);
                }

                continue;
            }

            switch (decision.Action)
            {
                case MilterAction.Continue or MilterAction.Skip:
                    continue;
                case MilterAction.Accept:
                    // libmilter: Accept at connect or HELO accepts the connection, later the message.
                    if (connection)
                    {
                        link.AcceptedConnection = true;
                    }
                    else
                    {
                        link.AcceptedMessage = true;
                    }

                    continue;
                case MilterAction.Discard:
                    MilterLog.Decided(_logger, _connectionId, link.Options.EndPoint.ToString() ?? "?", decision.Action, stage.ToString());
                    if (!connection)
                    {
                        Discarded = true;
                    }

                    continue;
                default:
                    MilterLog.Decided(_logger, _connectionId, link.Options.EndPoint.ToString() ?? "?", decision.Action, stage.ToString());
                    return Reply(decision);
            }
        }

        return MilterDecision.Continue;
    }

    private async Task SendMacrosAsync(MilterLink link, MilterMacroStage stage, CancellationToken cancellationToken)
    {
        var client = link.Client!;
        IEnumerable<string> names = client.RequestedMacros.TryGetValue(stage, out var requested) ? requested : DefaultMacros[stage];
        var values = names.Where(Macros.ContainsKey).Select(n => KeyValuePair.Create(n, Macros[n])).ToList();
        await client.MacrosAsync(stage, values, cancellationToken).ConfigureAwait(false);
    }

    private void Fail(MilterLink link, MilterException ex)
    {
        MilterLog.Failed(_logger, _connectionId, link.Options.EndPoint.ToString() ?? "?", ex.Message, link.Options.DefaultAction);
        link.Failed = true;
        link.MessageOpen = false;
        if (link.Client is { } client)
        {
            link.Client = null;
            _ = client.DisposeAsync().AsTask();
        }
    }

    /// <summary>The decision with the reply to give: the filter's own (made safe to send) or the default for its action.</summary>
    private static MilterDecision Reply(MilterDecision decision)
    {
        if (decision.Reply is not { } text)
        {
            return decision with { Reply = decision.Action == MilterAction.TempFail ? TempFailReply : RejectReply };
        }

        // SMFIR_REPLYCODE: "ddd d.d.d text", lines joined by CRLF with "ddd-" on all but the last; any other control
        // octet could end the reply early, so lines are rebuilt with the first line's code.
        var code = text[..3];
        var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).Select(l => l.Length >= 4 && l.StartsWith(code, StringComparison.Ordinal) && l[3] is ' ' or '-' ? l[4..] : l.Length == 3 && l == code ? string.Empty : l)
            .Select(l => new string(l.Select(c => c < ' ' || c == '\u007f' ? ' ' : c).ToArray()))
            .Take(20).ToList();
        return decision with { Reply = string.Join("\r\n", lines.Select((l, i) => code + (i == lines.Count - 1 ? " " : "-") + l)) };
    }

    /// <summary>A body with every bare LF (or CR) made CRLF, as a stored message needs.</summary>
    private static byte[] CanonicalLineEnds(byte[] body)
    {
        var output = new List<byte>(body.Length + 64);
        for (var i = 0; i < body.Length; i++)
        {
            var b = body[i];
            if (b == '\r')
            {
                output.Add((byte)'\r');
                output.Add((byte)'\n');
                if (i + 1 < body.Length && body[i + 1] == '\n')
                {
                    i++;
                }
            }
            else if (b == '\n')
            {
                output.Add((byte)'\r');
                output.Add((byte)'\n');
            }
            else
            {
                output.Add(b);
            }
        }

        return [.. output];
    }
}
