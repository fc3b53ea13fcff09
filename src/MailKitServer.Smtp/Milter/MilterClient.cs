using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace MailKitServer.Smtp.Milter;

/// <summary>
/// The MTA side of the milter protocol, version 6 (Sendmail's libmilter; what Postfix speaks to OpenDKIM, rspamd's
/// proxy, SpamAssassin's spamass-milter): option negotiation, then one packet per SMTP step (connect, HELO, MAIL,
/// RCPT, DATA, each header, end of headers, body chunks, end of message), each answered unless the filter asked not
/// to be sent the step or not to answer it. At end of message the filter's modifications come before its final
/// answer. Every packet read is bounded (<see cref="MilterPacket.MaxLength"/>), and so is every wait
/// (<c>timeout</c>). One client per SMTP connection; not thread-safe.
/// </summary>
internal sealed class MilterClient : IAsyncDisposable
{
    /// <summary>The protocol version offered (libmilter 8.14+).</summary>
    public const uint Version = 6;

    /// <summary>The largest body chunk sent (libmilter's MILTER_CHUNK_SIZE).</summary>
    public const int ChunkSize = 65535;

    private readonly Stream _stream;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _time;
    private byte[] _buffer = new byte[4096];
    private int _start;
    private int _end;

    internal MilterClient(Stream stream, TimeSpan timeout, TimeProvider time)
    {
        _stream = stream;
        _timeout = timeout;
        _time = time;
    }

    /// <summary>The steps the filter asked to leave out or leave unanswered.</summary>
    public MilterSteps Steps { get; private set; }

    /// <summary>The modifications the filter may ask for.</summary>
    public MilterActions Actions { get; private set; }

    /// <summary>The macros the filter asked for per stage in version 6 negotiation (SMFIP_SETSYMLIST); a stage not named keeps the defaults.</summary>
    public IReadOnlyDictionary<MilterMacroStage, IReadOnlyList<string>> RequestedMacros { get; private set; } = new Dictionary<MilterMacroStage, IReadOnlyList<string>>();

    /// <summary>Connects over TCP and negotiates options.</summary>
    public static async Task<MilterClient> ConnectAsync(EndPoint endPoint, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        var socket = new Socket(endPoint.AddressFamily == AddressFamily.Unix ? AddressFamily.Unix : endPoint.AddressFamily, SocketType.Stream, endPoint.AddressFamily == AddressFamily.Unix ? ProtocolType.Unspecified : ProtocolType.Tcp);
        try
        {
            using var connect = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            connect.CancelAfter(timeout);
            await socket.ConnectAsync(endPoint, connect.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw new MilterException($"cannot connect to the milter at {endPoint}: {ex.Message}", ex);
        }

        var client = new MilterClient(new NetworkStream(socket, ownsSocket: true), timeout, time);
        try
        {
            await client.NegotiateAsync(cancellationToken).ConfigureAwait(false);
            return client;
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>SMFIC_OPTNEG: offers version 6, every action and every protocol flag this client handles; keeps what the filter takes.</summary>
    public async Task NegotiateAsync(CancellationToken cancellationToken)
    {
        var data = new byte[12];
        BinaryPrimitives.WriteUInt32BigEndian(data, Version);
        BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(4), (uint)MilterActions.Offered);
        BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(8), (uint)MilterSteps.Offered);
        await SendAsync((byte)'O', data, cancellationToken).ConfigureAwait(false);
        var reply = await ReadAsync(cancellationToken).ConfigureAwait(false);
        if (reply.Command != (byte)'O' || reply.Data.Length < 12)
        {
            throw new MilterException($"the filter answered option negotiation with '{(char)reply.Command}' ({reply.Data.Length} octets)");
        }

        var span = reply.Data.Span;
        var version = BinaryPrimitives.ReadUInt32BigEndian(span);
        var actions = (MilterActions)BinaryPrimitives.ReadUInt32BigEndian(span[4..]);
        var steps = (MilterSteps)BinaryPrimitives.ReadUInt32BigEndian(span[8..]);
        if (version is < 2 or > Version)
        {
            throw new MilterException($"the filter speaks milter version {version}; this client speaks 2 to {Version}");
        }

        if ((actions & ~MilterActions.Offered) != 0 || (steps & ~MilterSteps.Offered) != 0)
        {
            // libmilter: a filter asking for what the MTA did not offer cannot be served.
            throw new MilterException($"the filter asks for actions 0x{(uint)actions:x} and steps 0x{(uint)steps:x}, more than offered");
        }

        Actions = actions;
        Steps = steps;
        RequestedMacros = MacroLists(reply.Data[12..]);
    }

    /// <summary>
    /// SMFIC_MACRO: the values of macros for the step that follows (sent only when that step is sent; never answered).
    /// </summary>
    public Task MacrosAsync(MilterMacroStage stage, IReadOnlyList<KeyValuePair<string, string>> macros, CancellationToken cancellationToken)
    {
        var notSent = stage switch
        {
            MilterMacroStage.Connect => MilterSteps.NoConnect,
            MilterMacroStage.Helo => MilterSteps.NoHelo,
            MilterMacroStage.Mail => MilterSteps.NoMail,
            MilterMacroStage.Recipient => MilterSteps.NoRecipient,
            MilterMacroStage.Data => MilterSteps.NoData,
            MilterMacroStage.EndOfHeaders => MilterSteps.NoEndOfHeaders,
            _ => MilterSteps.None,
        };
        if (macros.Count == 0 || (Steps & notSent) != 0)
        {
            return Task.CompletedTask;
        }

        var data = new List<byte> { StageCommand(stage) };
        foreach (var (name, value) in macros)
        {
            data.AddRange(Strings(name.Length == 1 ? name : $"{{{name}}}", value));
        }

        return SendAsync((byte)'D', [.. data], cancellationToken);
    }

    /// <summary>The command octet of a stage's step, which SMFIC_MACRO names.</summary>
    public static byte StageCommand(MilterMacroStage stage) => stage switch
    {
        MilterMacroStage.Connect => (byte)'C',
        MilterMacroStage.Helo => (byte)'H',
        MilterMacroStage.Mail => (byte)'M',
        MilterMacroStage.Recipient => (byte)'R',
        MilterMacroStage.Data => (byte)'T',
        MilterMacroStage.EndOfMessage => (byte)'E',
        _ => (byte)'N',
    };

    /// <summary>SMFIC_CONNECT: the client's host name and address.</summary>
    public Task<MilterDecision> ConnectAsync(string hostName, IPEndPoint? client, CancellationToken cancellationToken)
    {
        var data = new List<byte>(Encoding.UTF8.GetBytes(hostName)) { 0 };
        if (client is null)
        {
            data.Add((byte)'U');
        }
        else
        {
            var address = client.Address.IsIPv4MappedToIPv6 ? client.Address.MapToIPv4() : client.Address;
            data.Add(address.AddressFamily == AddressFamily.InterNetworkV6 ? (byte)'6' : (byte)'4');
            data.Add((byte)(client.Port >> 8));
            data.Add((byte)client.Port);
            data.AddRange(Encoding.ASCII.GetBytes(address.ToString()));
            data.Add(0);
        }

        return StepAsync((byte)'C', [.. data], MilterSteps.NoConnect, MilterSteps.NoReplyConnect, cancellationToken);
    }

    /// <summary>SMFIC_HELO.</summary>
    public Task<MilterDecision> HeloAsync(string helo, CancellationToken cancellationToken) =>
        StepAsync((byte)'H', Strings(helo), MilterSteps.NoHelo, MilterSteps.NoReplyHelo, cancellationToken);

    /// <summary>SMFIC_MAIL: the sender in angle brackets, then its ESMTP parameters.</summary>
    public Task<MilterDecision> MailAsync(string sender, IEnumerable<string> parameters, CancellationToken cancellationToken) =>
        StepAsync((byte)'M', Strings([$"<{sender}>", .. parameters]), MilterSteps.NoMail, MilterSteps.NoReplyMail, cancellationToken);

    /// <summary>SMFIC_RCPT: one recipient in angle brackets, then its ESMTP parameters.</summary>
    public Task<MilterDecision> RecipientAsync(string recipient, IEnumerable<string> parameters, CancellationToken cancellationToken) =>
        StepAsync((byte)'R', Strings([$"<{recipient}>", .. parameters]), MilterSteps.NoRecipient, MilterSteps.NoReplyRecipient, cancellationToken);

    /// <summary>SMFIC_DATA (version 4 and later).</summary>
    public Task<MilterDecision> DataAsync(CancellationToken cancellationToken) =>
        StepAsync((byte)'T', [], MilterSteps.NoData, MilterSteps.NoReplyData, cancellationToken);

    /// <summary>SMFIC_HEADER: a field's name and value (the value without the space after the colon, folds as they are).</summary>
    public Task<MilterDecision> HeaderAsync(string name, string value, CancellationToken cancellationToken) =>
        StepAsync((byte)'L', Strings(name, (Steps & MilterSteps.HeaderLeadingSpace) != 0 ? value : value.TrimStart(' ')), MilterSteps.NoHeaders, MilterSteps.NoReplyHeader, cancellationToken);

    /// <summary>SMFIC_EOH.</summary>
    public Task<MilterDecision> EndOfHeadersAsync(CancellationToken cancellationToken) =>
        StepAsync((byte)'N', [], MilterSteps.NoEndOfHeaders, MilterSteps.NoReplyEndOfHeaders, cancellationToken);

    /// <summary>
    /// SMFIC_BODY: the body read from <paramref name="body"/> to its end, in chunks of at most <see cref="ChunkSize"/>;
    /// stops at the first answer that is not Continue (Skip included: the rest is not wanted).
    /// </summary>
    public async Task<MilterDecision> BodyAsync(Stream body, CancellationToken cancellationToken)
    {
        if ((Steps & MilterSteps.NoBody) != 0)
        {
            return MilterDecision.Continue;
        }

        var chunk = new byte[ChunkSize];
        while (true)
        {
            var filled = 0;
            while (filled < chunk.Length)
            {
                var read = await body.ReadAsync(chunk.AsMemory(filled), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                filled += read;
            }

            if (filled == 0)
            {
                return MilterDecision.Continue;
            }

            var decision = await StepAsync((byte)'B', chunk[..filled], MilterSteps.NoBody, MilterSteps.NoReplyBody, cancellationToken).ConfigureAwait(false);
            if (decision.Action != MilterAction.Continue || filled < chunk.Length)
            {
                return decision;
            }
        }
    }

    /// <summary>SMFIC_BODYEOB: the modifications the filter asks for (only negotiated kinds are accepted), then its answer.</summary>
    public async Task<(MilterDecision Decision, IReadOnlyList<MilterModification> Modifications)> EndOfMessageAsync(CancellationToken cancellationToken)
    {
        await SendAsync((byte)'E', [], cancellationToken).ConfigureAwait(false);
        var modifications = new List<MilterModification>();
        MemoryStream? body = null;
        while (true)
        {
            var packet = await ReadAsync(cancellationToken).ConfigureAwait(false);
            var fields = packet.Data;
            MilterModification? modification = (char)packet.Command switch
            {
                'h' => Require(MilterActions.AddHeaders, new MilterModification(MilterModificationKind.AddHeader, Field(fields, 0), Field(fields, 1))),
                'i' => Require(MilterActions.AddHeaders, new MilterModification(MilterModificationKind.InsertHeader, Field(fields[4..], 0), Field(fields[4..], 1), Index(fields))),
                'm' => Require(MilterActions.ChangeHeaders, new MilterModification(MilterModificationKind.ChangeHeader, Field(fields[4..], 0), Field(fields[4..], 1), Index(fields))),
                '+' => Require(MilterActions.AddRecipients, new MilterModification(MilterModificationKind.AddRecipient, Unbracket(Field(fields, 0)))),
                '2' => Require(MilterActions.AddRecipientsWithArguments, new MilterModification(MilterModificationKind.AddRecipient, Unbracket(Field(fields, 0)), OptionalField(fields, 1))),
                '-' => Require(MilterActions.DeleteRecipients, new MilterModification(MilterModificationKind.DeleteRecipient, Unbracket(Field(fields, 0)))),
                'e' => Require(MilterActions.ChangeFrom, new MilterModification(MilterModificationKind.ChangeFrom, Unbracket(Field(fields, 0)), OptionalField(fields, 1))),
                'q' => Require(MilterActions.Quarantine, new MilterModification(MilterModificationKind.Quarantine, Field(fields, 0))),
                _ => null,
            };
            if (modification is not null)
            {
                modifications.Add(modification);
                continue;
            }

            switch ((char)packet.Command)
            {
                case 'b':
                    Require(MilterActions.ChangeBody, true);
                    if (body is null)
                    {
                        body = new MemoryStream();
                        modifications.Add(new MilterModification(MilterModificationKind.ReplaceBody, string.Empty));
                    }

                    if (body.Length + fields.Length > 64L * 1024 * 1024)
                    {
                        throw new MilterException("the filter's replacement body is larger than 64 MiB");
                    }

                    body.Write(fields.Span);
                    continue;
                case 'p':
                    // SMFIR_PROGRESS: the filter is still working; the wait starts again.
                    continue;
            }

            var decision = Decision(packet);
            if (body is not null)
            {
                var index = modifications.FindIndex(m => m.Kind == MilterModificationKind.ReplaceBody);
                modifications[index] = modifications[index] with { Body = body.ToArray() };
            }

            return (decision, modifications);
        }
    }

    /// <summary>SMFIC_ABORT: the message is over (RSET, or refused); the connection stays for the next one.</summary>
    public Task AbortAsync(CancellationToken cancellationToken) => SendAsync((byte)'A', [], cancellationToken);

    /// <summary>SMFIC_QUIT: the SMTP session is over.</summary>
    public Task QuitAsync(CancellationToken cancellationToken) => SendAsync((byte)'Q', [], cancellationToken);

    public ValueTask DisposeAsync() => _stream.DisposeAsync();

    private static byte[] Strings(params string[] values)
    {
        var bytes = new List<byte>();
        foreach (var value in values)
        {
            bytes.AddRange(Encoding.UTF8.GetBytes(value));
            bytes.Add(0);
        }

        return [.. bytes];
    }

    /// <summary>Version 6 macro lists after the negotiated flags: a stage number and a NUL-terminated list of names, repeated.</summary>
    private static Dictionary<MilterMacroStage, IReadOnlyList<string>> MacroLists(ReadOnlyMemory<byte> data)
    {
        var lists = new Dictionary<MilterMacroStage, IReadOnlyList<string>>();
        var span = data.Span;
        while (span.Length >= 5)
        {
            var stage = BinaryPrimitives.ReadUInt32BigEndian(span);
            span = span[4..];
            var nul = span.IndexOf((byte)0);
            var list = Encoding.ASCII.GetString(nul < 0 ? span : span[..nul]);
            span = nul < 0 ? [] : span[(nul + 1)..];
            if (stage <= (uint)MilterMacroStage.EndOfHeaders)
            {
                lists[(MilterMacroStage)stage] = list.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries).Select(n => n.Trim('{', '}')).Where(n => n.Length > 0).Take(64).ToArray();
            }
        }

        return lists;
    }

    private static string Field(ReadOnlyMemory<byte> data, int index) =>
        OptionalField(data, index) ?? throw new MilterException($"the filter sent a modification with fewer than {index + 1} strings");

    private static string? OptionalField(ReadOnlyMemory<byte> data, int index)
    {
        var span = data.Span;
        for (var i = 0; i < index; i++)
        {
            var end = span.IndexOf((byte)0);
            if (end < 0)
            {
                return null;
            }

            span = span[(end + 1)..];
        }

        var nul = span.IndexOf((byte)0);
        return nul < 0 ? (span.Length > 0 ? Encoding.UTF8.GetString(span) : null) : Encoding.UTF8.GetString(span[..nul]);
    }

    private static int Index(ReadOnlyMemory<byte> data) =>
        data.Length >= 4 ? (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(data.Span), int.MaxValue) : throw new MilterException("the filter sent a header change without its index");

    private static string Unbracket(string address) => address.Length >= 2 && address[0] == '<' && address[^1] == '>' ? address[1..^1] : address;

    private MilterModification Require(MilterActions action, MilterModification modification)
    {
        Require(action, true);
        return modification;
    }

    private void Require(MilterActions action, bool _)
    {
        if ((Actions & action) == 0)
        {
            throw new MilterException($"the filter asked for {action} without negotiating it");
        }
    }

    private static MilterDecision Decision(MilterPacket packet)
    {
        switch ((char)packet.Command)
        {
            case 'c':
                return MilterDecision.Continue;
            case 'a':
                return new MilterDecision(MilterAction.Accept);
            case 'r':
                return new MilterDecision(MilterAction.Reject);
            case 't':
                return new MilterDecision(MilterAction.TempFail);
            case 'd':
                return new MilterDecision(MilterAction.Discard);
            case 's':
                return new MilterDecision(MilterAction.Skip);
            case 'y':
                // SMFIR_REPLYCODE: "ddd d.d.d text" (lines joined by CRLF in a multi-line reply); 4xx or 5xx only.
                var text = Encoding.UTF8.GetString(packet.Data.Span).TrimEnd('\0');
                if (text.Length < 3 || !int.TryParse(text.AsSpan(0, 3), NumberStyles.None, CultureInfo.InvariantCulture, out var code) || code is < 400 or > 599 || text.Length > 3 && text[3] is not (' ' or '-'))
                {
                    throw new MilterException($"the filter sent a reply code that is not 4xx or 5xx: '{(text.Length > 40 ? text[..40] : text)}'");
                }

                return new MilterDecision(code >= 500 ? MilterAction.Reject : MilterAction.TempFail, text);
            default:
                throw new MilterException($"the filter sent '{(char)packet.Command}' where an answer was due");
        }
    }

    private async Task<MilterDecision> StepAsync(byte command, byte[] data, MilterSteps notSent, MilterSteps notAnswered, CancellationToken cancellationToken)
    {
        if ((Steps & notSent) != 0)
        {
            return MilterDecision.Continue;
        }

        await SendAsync(command, data, cancellationToken).ConfigureAwait(false);
        if ((Steps & notAnswered) != 0)
        {
            return MilterDecision.Continue;
        }

        while (true)
        {
            var packet = await ReadAsync(cancellationToken).ConfigureAwait(false);
            if (packet.Command != (byte)'p')
            {
                return Decision(packet);
            }
        }
    }

    private async Task SendAsync(byte command, byte[] data, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        try
        {
            await _stream.WriteAsync(new MilterPacket(command, data).Encode(), timeout.Token).ConfigureAwait(false);
            await _stream.FlushAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new MilterException($"sending to the filter failed: {ex.Message}", ex);
        }
    }

    private async Task<MilterPacket> ReadAsync(CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(_timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        while (true)
        {
            if (MilterPacket.TryParse(_buffer.AsSpan(_start, _end - _start), out var packet, out var consumed))
            {
                _start += consumed;
                return packet;
            }

            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }

            if (_end == _buffer.Length)
            {
                // The header said the packet is longer (bounded by MaxLength): room for it.
                Array.Resize(ref _buffer, Math.Min(_buffer.Length * 2, MilterPacket.MaxLength + 4));
            }

            int read;
            try
            {
                read = await _stream.ReadAsync(_buffer.AsMemory(_end), linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new MilterException($"the filter did not answer within {_timeout}");
            }
            catch (IOException ex)
            {
                throw new MilterException($"reading from the filter failed: {ex.Message}", ex);
            }

            if (read == 0)
            {
                throw new MilterException("the filter closed the connection");
            }

            _end += read;
        }
    }
}
