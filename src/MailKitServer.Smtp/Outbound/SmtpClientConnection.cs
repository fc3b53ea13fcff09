using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using MailKitServer.Delivery;
using MailKitServer.Smtp.Outbound.Queue;
using MailKitServer.Runtime;
using MailKitServer.Smtp.Parsing;

namespace MailKitServer.Smtp.Outbound;

/// <summary>
/// One SMTP client connection to a next hop (RFC 5321): greeting, EHLO (HELO if refused), opportunistic STARTTLS,
/// AUTH for a smart host, then any number of transactions with PIPELINING (RFC 2920), SIZE, 8BITMIME, SMTPUTF8,
/// DSN (RFC 3461) and CHUNKING (RFC 3030) when offered. Every reply read is bounded (4 KB lines, 100 lines) and
/// timed as RFC 5321 §4.5.3.2 says.
/// </summary>
internal sealed class SmtpClientConnection : IAsyncDisposable
{
    private readonly Socket? _socket;
    private readonly OutboundOptions _options;
    private readonly TimeProvider _time;
    private readonly SmtpClientReplyReader _replies;
    private readonly MemoryStream _pending = new();
    private Stream _stream;

    private SmtpClientConnection(Socket? socket, Stream stream, OutboundOptions options, TimeProvider time, string host, IPEndPoint endPoint)
    {
        _socket = socket;
        _stream = stream;
        _options = options;
        _time = time;
        Host = host;
        EndPoint = endPoint;
        _replies = new SmtpClientReplyReader($"{host}[{endPoint}]");
    }

    /// <summary>The host name the connection was made for (for Remote-MTA).</summary>
    public string Host { get; }

    public IPEndPoint EndPoint { get; }

    public Dictionary<string, string> Extensions { get; } = new(StringComparer.OrdinalIgnoreCase);

    public bool IsSecure => _stream is SslStream;

    /// <summary>Whether the connection can carry another transaction.</summary>
    public bool IsUsable { get; private set; } = true;

    public DateTimeOffset IdleSince { get; private set; }

    /// <summary>Connects, reads the greeting, says EHLO, starts TLS when offered and authenticates when asked.</summary>
    /// <returns>The connection, or the reply that refused it.</returns>
    public static async Task<(SmtpClientConnection? Connection, SmtpClientReply? Refusal)> OpenAsync(
        IPEndPoint endPoint, string host, string heloName, OutboundOptions options, TimeProvider time, TlsPolicy tls, (string User, string Password)? credentials, CancellationToken cancellationToken, IReadOnlyList<MailKitServer.Dns.TlsaRecord>? tlsa = null)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        SmtpClientConnection? connection = null;
        try
        {
            await ConnectAsync(socket, endPoint, host, options.ConnectTimeout, cancellationToken).ConfigureAwait(false);
            connection = new SmtpClientConnection(socket, new NetworkStream(socket, ownsSocket: false), options, time, host, endPoint);
            var refusal = await connection.GreetAsync(heloName, tls, tlsa, cancellationToken).ConfigureAwait(false)
                ?? await connection.LogInAsync(credentials, cancellationToken).ConfigureAwait(false);
            if (refusal is not null)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
                return (null, refusal);
            }

            return (connection, null);
        }
        catch
        {
            if (connection is not null)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
            else
            {
                socket.Dispose();
            }

            throw;
        }
    }

    private static async Task ConnectAsync(Socket socket, IPEndPoint endPoint, string host, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var connect = NetworkTimeout.Start(timeout, cancellationToken);
        try
        {
            await socket.ConnectAsync(endPoint, connect.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SmtpProtocolException($"connect to {host}[{endPoint}] timed out");
        }
        catch (SocketException ex)
        {
            throw new SmtpProtocolException($"connect to {host}[{endPoint}]: {ex.SocketErrorCode}", ex);
        }
    }

    /// <summary>Reads the greeting, says EHLO and starts TLS as <paramref name="tls"/> asks.</summary>
    /// <returns>Null when the session is ready for AUTH or mail, else the reply that refused it (QUIT already sent where due).</returns>
    private async Task<SmtpClientReply?> GreetAsync(string heloName, TlsPolicy tls, IReadOnlyList<MailKitServer.Dns.TlsaRecord>? tlsa, CancellationToken cancellationToken)
    {
        var greeting = await ReadReplyAsync(_options.CommandTimeout, cancellationToken).ConfigureAwait(false);
        if (greeting.Code != 220)
        {
            await QuitAsync(cancellationToken).ConfigureAwait(false);
            return greeting;
        }

        var ehlo = await HelloAsync(heloName, cancellationToken).ConfigureAwait(false);
        if (!ehlo.IsPositive)
        {
            return ehlo;
        }

        if (tls != TlsPolicy.None && Extensions.ContainsKey("STARTTLS"))
        {
            var start = await CommandAsync("STARTTLS", _options.CommandTimeout, cancellationToken).ConfigureAwait(false);
            if (start.Code == 220)
            {
                await StartTlsAsync(Host, ValidatesCertificate(tls), cancellationToken, tls == TlsPolicy.Dane ? tlsa : null).ConfigureAwait(false);
                ehlo = await HelloAsync(heloName, cancellationToken).ConfigureAwait(false);
                if (!ehlo.IsPositive)
                {
                    return ehlo;
                }
            }
        }

        if (tls is (TlsPolicy.Required or TlsPolicy.Verified or TlsPolicy.Dane or TlsPolicy.Encrypted) && !IsSecure)
        {
            await QuitAsync(cancellationToken).ConfigureAwait(false);
            return NoStartTls(tls);
        }

        return null;
    }

    /// <summary>Whether the next hop's certificate must check out under <paramref name="tls"/> (DANE checks its own way).</summary>
    private bool ValidatesCertificate(TlsPolicy tls) => tls switch
    {
        TlsPolicy.Verified or TlsPolicy.Dane => true,
        TlsPolicy.Required => _options.ValidateSmartHostCertificate,
        TlsPolicy.Encrypted => false,
        _ => _options.ValidateMxCertificates,
    };

    private static SmtpClientReply NoStartTls(TlsPolicy tls) => new(451, [tls switch
    {
        TlsPolicy.Verified => "4.7.5 the recipient domain's MTA-STS policy requires TLS but this MX host does not offer STARTTLS",
        TlsPolicy.Dane => "4.7.5 this MX host has DANE TLSA records but does not offer STARTTLS",
        TlsPolicy.Encrypted => "4.7.5 this MX host has DNSSEC-validated TLSA records (none usable), so TLS is required (RFC 7672 §2.2), but it does not offer STARTTLS",
        _ => "4.7.5 TLS is required for this next hop but it does not offer STARTTLS",
    }]);

    /// <returns>Null when logged in or no login is configured, else the refusal to report (QUIT already sent).</returns>
    private async Task<SmtpClientReply?> LogInAsync((string User, string Password)? credentials, CancellationToken cancellationToken)
    {
        if (credentials is not { } c)
        {
            return null;
        }

        var auth = await AuthenticateAsync(c.User, c.Password, cancellationToken).ConfigureAwait(false);
        if (auth.IsPositive)
        {
            return null;
        }

        await QuitAsync(cancellationToken).ConfigureAwait(false);

        // A refused login is a configuration problem here: keep the mail queued (Postfix defers too).
        return new SmtpClientReply(454, [$"4.7.0 authentication at the next hop failed: {auth}"]);
    }

    /// <summary>A connection over any stream (tests feed the reply reader this way, split at every byte boundary).</summary>
    internal static SmtpClientConnection OverStream(Stream stream, OutboundOptions options, TimeProvider time) =>
        new(null, stream, options, time, "test.host", new IPEndPoint(IPAddress.Loopback, 25));

    /// <summary>Runs one mail transaction.</summary>
    public async Task<SmtpTransactionResult> SendAsync(QueuedMessage message, IReadOnlyList<QueuedRecipient> recipients, Stream content, CancellationToken cancellationToken)
    {
        var pipelining = Extensions.ContainsKey("PIPELINING");
        var chunking = Extensions.ContainsKey("CHUNKING");
        var dsn = Extensions.ContainsKey("DSN");

        // What the next hop must offer before anything is sent.
        if (Refusal(message) is { } refused)
        {
            return new SmtpTransactionResult(recipients.Select(_ => refused).ToList(), null, false);
        }

        var commands = new List<string> { EnvelopeCommands.Mail(message, Extensions, dsn) };
        commands.AddRange(recipients.Select(r => EnvelopeCommands.Rcpt(r, dsn)));
        var dataPipelined = pipelining && !chunking;
        if (dataPipelined)
        {
            commands.Add("DATA");
        }

        var replies = await SendEnvelopeAsync(commands, pipelining, cancellationToken).ConfigureAwait(false);
        var mailReply = replies[0];
        if (!mailReply.IsPositive)
        {
            if (dataPipelined && replies.Count == commands.Count && replies[^1].Code == 354)
            {
                await EndDataAsync(cancellationToken).ConfigureAwait(false);
            }

            await ResetAsync(cancellationToken).ConfigureAwait(false);
            return new SmtpTransactionResult(recipients.Select(_ => mailReply).ToList(), null, dsn);
        }

        var rcptReplies = replies.Skip(1).Take(recipients.Count).ToList();
        if (!rcptReplies.Exists(r => r.IsPositive))
        {
            if (dataPipelined && replies[^1].Code == 354)
            {
                // The server took DATA although no recipient was accepted: end the (empty) content at once.
                await EndDataAsync(cancellationToken).ConfigureAwait(false);
            }

            await ResetAsync(cancellationToken).ConfigureAwait(false);
            return new SmtpTransactionResult(rcptReplies, null, dsn);
        }

        SmtpClientReply final;
        if (chunking)
        {
            final = await SendChunksAsync(content, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var go = dataPipelined ? replies[^1] : await CommandAsync("DATA", _options.DataTimeout, cancellationToken).ConfigureAwait(false);
            final = go.Code == 354 ? await SendDataAsync(content, cancellationToken).ConfigureAwait(false) : go;
        }

        IdleSince = _time.GetUtcNow();
        return new SmtpTransactionResult(rcptReplies, final, dsn);
    }

    private SmtpClientReply? Refusal(QueuedMessage message)
    {
        if (message.Body == BodyType.BinaryMime && !(Extensions.ContainsKey("CHUNKING") && Extensions.ContainsKey("BINARYMIME")))
        {
            return new SmtpClientReply(554, ["5.6.3 the message is BINARYMIME and the next hop does not offer it (RFC 3030)"]);
        }

        if (message.SmtpUtf8 && !Extensions.ContainsKey("SMTPUTF8"))
        {
            return new SmtpClientReply(553, ["5.6.7 the message needs SMTPUTF8 and the next hop does not offer it (RFC 6531 §3.2)"]);
        }

        if (message.RequireTls && !(IsSecure && Extensions.ContainsKey("REQUIRETLS")))
        {
            return new SmtpClientReply(550, ["5.7.30 REQUIRETLS was asked and the next hop does not offer it over TLS (RFC 8689 §4.2)"]);
        }

        if (Extensions.TryGetValue("SIZE", out var limitText) && long.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) && limit > 0 && message.Size > limit)
        {
            return new SmtpClientReply(552, [$"5.3.4 the message ({message.Size} octets) is larger than the next hop takes ({limit})"]);
        }

        return null;
    }

    /// <summary>RFC 2920 §3.1: with PIPELINING, MAIL, RCPT (and DATA) go in one group; else one at a time, stopping after a refused MAIL.</summary>
    private async Task<List<SmtpClientReply>> SendEnvelopeAsync(List<string> commands, bool pipelining, CancellationToken cancellationToken)
    {
        var replies = new List<SmtpClientReply>();
        if (pipelining)
        {
            foreach (var command in commands)
            {
                Write(command);
            }

            await FlushAsync(cancellationToken).ConfigureAwait(false);
            foreach (var _ in commands)
            {
                replies.Add(await ReadReplyAsync(_options.CommandTimeout, cancellationToken).ConfigureAwait(false));
            }
        }
        else
        {
            foreach (var command in commands)
            {
                var reply = await CommandAsync(command, _options.CommandTimeout, cancellationToken).ConfigureAwait(false);
                replies.Add(reply);
                if (command.StartsWith("MAIL", StringComparison.Ordinal) && !reply.IsPositive)
                {
                    break;
                }
            }
        }

        return replies;
    }

    private async Task<SmtpClientReply> SendDataAsync(Stream content, CancellationToken cancellationToken)
    {
        var stuffer = new DotStuffer();
        var output = new ArrayBufferWriter<byte>(80 * 1024);
        var block = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            int n;
            while ((n = await content.ReadAsync(block, cancellationToken).ConfigureAwait(false)) > 0)
            {
                stuffer.Write(block.AsSpan(0, n), output);
                await WriteTimedAsync(output.WrittenMemory, cancellationToken).ConfigureAwait(false);
                output.ResetWrittenCount();
            }

            stuffer.Finish(output);
            await WriteTimedAsync(output.WrittenMemory, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(block);
        }

        return await ReadReplyAsync(_options.DataEndTimeout, cancellationToken).ConfigureAwait(false);
    }

    private async Task<SmtpClientReply> SendChunksAsync(Stream content, CancellationToken cancellationToken)
    {
        // RFC 3030 §2: BDAT n [LAST]; the chunk ends exactly after n octets, no dot-stuffing.
        var current = new byte[256 * 1024];
        var next = new byte[256 * 1024];
        var length = await content.ReadAtLeastAsync(current, current.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        while (true)
        {
            var nextLength = length == current.Length ? await content.ReadAtLeastAsync(next, next.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false) : 0;
            var last = nextLength == 0;
            Write(last ? $"BDAT {length} LAST" : $"BDAT {length}");
            await WriteTimedAsync(current.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
            var reply = await ReadReplyAsync(last ? _options.DataEndTimeout : _options.DataTimeout, cancellationToken).ConfigureAwait(false);
            if (last || !reply.IsPositive)
            {
                if (!last)
                {
                    IsUsable = false; // the transaction is in an unknown state: do not reuse
                }

                return reply;
            }

            (current, next) = (next, current);
            length = nextLength;
        }
    }

    private async Task EndDataAsync(CancellationToken cancellationToken)
    {
        Write(".");
        await FlushAsync(cancellationToken).ConfigureAwait(false);
        await ReadReplyAsync(_options.DataEndTimeout, cancellationToken).ConfigureAwait(false);
    }

    public async Task ResetAsync(CancellationToken cancellationToken)
    {
        var reply = await CommandAsync("RSET", _options.CommandTimeout, cancellationToken).ConfigureAwait(false);
        IsUsable = reply.IsPositive;
        IdleSince = _time.GetUtcNow();
    }

    public async Task QuitAsync(CancellationToken cancellationToken)
    {
        try
        {
            IsUsable = false;
            await CommandAsync("QUIT", TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SmtpProtocolException or IOException or ObjectDisposedException)
        {
        }
    }

    private async Task<SmtpClientReply> HelloAsync(string heloName, CancellationToken cancellationToken)
    {
        Extensions.Clear();
        var ehlo = await CommandAsync("EHLO " + heloName, _options.CommandTimeout, cancellationToken).ConfigureAwait(false);
        if (ehlo.Code == 250)
        {
            foreach (var line in ehlo.Lines.Skip(1))
            {
                var space = line.IndexOf(' ', StringComparison.Ordinal);
                Extensions[space > 0 ? line[..space] : line] = space > 0 ? line[(space + 1)..] : string.Empty;
            }

            return ehlo;
        }

        // RFC 5321 §3.2: a server that does not know EHLO gets HELO.
        return ehlo.Code is >= 500 and < 600 && ehlo.Code != 554
            ? await CommandAsync("HELO " + heloName, _options.CommandTimeout, cancellationToken).ConfigureAwait(false)
            : ehlo;
    }

    private async Task StartTlsAsync(string host, bool validate, CancellationToken cancellationToken, IReadOnlyList<MailKitServer.Dns.TlsaRecord>? tlsa = null)
    {
        // Bytes the server sent after 220 would be a STARTTLS injection (RFC 3207 §5, CVE-2011-0411): refuse.
        if (_replies.HasUnreadData)
        {
            throw new SmtpProtocolException("the next hop sent data after its STARTTLS reply");
        }

        var ssl = new SslStream(_stream, leaveInnerStreamOpen: false);
        using var timeout = NetworkTimeout.Start(_options.CommandTimeout, cancellationToken);
        RemoteCertificateValidationCallback? check = tlsa is not null ? (_, c, chain, e) => Dane.DaneVerifier.Verify(c, chain, e, tlsa)
            : !validate ? (_, _, _, _) => true
            : _options.TrustedRoots is { } roots ? (_, c, _, e) => CertificateTrust.Validate(c, e, roots)
            : (_, _, _, e) => e == SslPolicyErrors.None;
        var resultType = TlsRpt.TlsResultType.ValidationFailure;
        try
        {
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = IPAddress.TryParse(host, out _) ? null : host,
                RemoteCertificateValidationCallback = (sender, certificate, chain, errors) =>
                {
                    // What the platform found, as a TLSRPT result type (RFC 8460 §4.3.1), should the check refuse.
                    resultType = tlsa is not null ? TlsRpt.TlsResultType.ValidationFailure
                        : (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0 ? TlsRpt.TlsResultType.CertificateHostMismatch
                        : chain?.ChainStatus.Any(s => s.Status == X509ChainStatusFlags.NotTimeValid) == true ? TlsRpt.TlsResultType.CertificateExpired
                        : errors != SslPolicyErrors.None ? TlsRpt.TlsResultType.CertificateNotTrusted
                        : TlsRpt.TlsResultType.ValidationFailure;
                    return check(sender, certificate, chain, errors);
                },
            }, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is System.Security.Authentication.AuthenticationException or IOException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw new SmtpProtocolException(tlsa is not null && ex is System.Security.Authentication.AuthenticationException
                ? $"TLS with {Host}[{EndPoint}] failed DANE verification: no TLSA record of the host matches its certificate"
                : $"TLS with {Host}[{EndPoint}] failed: {ex.Message}", ex) { TlsResultType = resultType };
        }

        _stream = ssl;
    }

    private async Task<SmtpClientReply> AuthenticateAsync(string user, string password, CancellationToken cancellationToken)
    {
        var mechanisms = Extensions.TryGetValue("AUTH", out var m) ? m.ToUpperInvariant().Split(' ') : [];
        if (mechanisms.Contains("PLAIN"))
        {
            var token = Convert.ToBase64String(Encoding.UTF8.GetBytes("\0" + user + "\0" + password));
            return await CommandAsync("AUTH PLAIN " + token, _options.CommandTimeout, cancellationToken).ConfigureAwait(false);
        }

        if (mechanisms.Contains("LOGIN"))
        {
            var step = await CommandAsync("AUTH LOGIN", _options.CommandTimeout, cancellationToken).ConfigureAwait(false);
            if (step.Code != 334)
            {
                return step;
            }

            step = await CommandAsync(Convert.ToBase64String(Encoding.UTF8.GetBytes(user)), _options.CommandTimeout, cancellationToken).ConfigureAwait(false);
            return step.Code != 334 ? step : await CommandAsync(Convert.ToBase64String(Encoding.UTF8.GetBytes(password)), _options.CommandTimeout, cancellationToken).ConfigureAwait(false);
        }

        return new SmtpClientReply(504, ["5.7.4 the next hop offers neither AUTH PLAIN nor AUTH LOGIN"]);
    }

    private async Task<SmtpClientReply> CommandAsync(string command, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Write(command);
        await FlushAsync(cancellationToken).ConfigureAwait(false);
        return await ReadReplyAsync(timeout, cancellationToken).ConfigureAwait(false);
    }

    private void Write(string command)
    {
        var bytes = Encoding.UTF8.GetBytes(command + "\r\n");
        _pending.Write(bytes);
    }

    private Task FlushAsync(CancellationToken cancellationToken) => WriteTimedAsync(ReadOnlyMemory<byte>.Empty, cancellationToken);

    /// <summary>Sends the commands written so far, then <paramref name="data"/>, within the data time-out.</summary>
    private async Task WriteTimedAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        using var timeout = NetworkTimeout.Start(_options.DataTimeout, cancellationToken);
        try
        {
            if (_pending.Length > 0)
            {
                await _stream.WriteAsync(_pending.GetBuffer().AsMemory(0, (int)_pending.Length), timeout.Token).ConfigureAwait(false);
                _pending.SetLength(0);
            }

            if (!data.IsEmpty)
            {
                await _stream.WriteAsync(data, timeout.Token).ConfigureAwait(false);
            }

            await _stream.FlushAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            IsUsable = false;
            throw new SmtpProtocolException($"{Host}[{EndPoint}] did not take data for {_options.DataTimeout.TotalSeconds:0} s");
        }
        catch (IOException ex)
        {
            IsUsable = false;
            throw new SmtpProtocolException($"lost connection with {Host}[{EndPoint}] while sending: {ex.Message}", ex);
        }
    }

    /// <summary>Reads one reply (RFC 5321 §4.2.1); a broken one, a 421 or a time-out leave the connection unusable.</summary>
    public async Task<SmtpClientReply> ReadReplyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            var reply = await _replies.ReadAsync(_stream, timeout, cancellationToken).ConfigureAwait(false);
            if (reply.Code == 421)
            {
                IsUsable = false;
            }

            return reply;
        }
        catch (SmtpProtocolException)
        {
            IsUsable = false;
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        IsUsable = false;
        await _stream.DisposeAsync().ConfigureAwait(false);
        _socket?.Dispose();
        await _pending.DisposeAsync().ConfigureAwait(false);
    }
}
