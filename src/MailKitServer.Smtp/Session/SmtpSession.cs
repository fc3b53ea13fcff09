using System.Globalization;
using System.Text;
using MailKitServer.Policy;
using MailKitServer.Replies;
using MailKitServer.Runtime;
using MailKitServer.Smtp.Data;
using MailKitServer.Smtp.Parsing;
using MailKitServer.Smtp.SenderAuth;
using MailKitServer.Smtp.SenderAuth.Arc;
using MailKitServer.Smtp.SenderAuth.Signing;
using MailKitServer.Storage;
using Microsoft.Extensions.Logging;

namespace MailKitServer.Smtp.Session;

/// <summary>
/// One SMTP, submission or LMTP session (RFC 5321, RFC 2033): reads commands, keeps the transaction state, asks
/// the policy at each stage, and delivers through the store and the outbound queue. Command families live in the
/// other parts of this class: greeting and session commands, envelope (MAIL/RCPT), data (DATA/BDAT), AUTH.
/// </summary>
internal sealed partial class SmtpSession
{
    private readonly MailConnection _connection;
    private readonly MailServerContext _context;
    private readonly SmtpOptions _options;
    private readonly SessionInfo _info;
    private readonly SmtpTransaction _transaction;
    private readonly ILogger _logger;
    private readonly bool _lmtp;
    private readonly SenderAuthenticator? _authenticator;
    private readonly OutboundDkimSigner? _signer;
    private readonly ArcSealer? _sealer;
    private readonly SmtpListenerReplies _replies;
    /// <summary>The Received field's builder: one per thread, filled and copied to the spool before any wait (BuildReceived).</summary>
    [ThreadStatic]
    private static StringBuilder? t_received;

    /// <summary>Shared empty sets for the usual message: nothing refused, no outcome of a kind (read only).</summary>
    private static readonly HashSet<SmtpRecipient> NoRecipients = [];

    private static readonly HashSet<MailboxTarget> NoTargets = [];
    private string? _receivedFrom;
    private SmtpState _state;
    private bool _esmtp;
    private int _errors;

    public SmtpSession(MailConnection connection, MailServerContext context, SmtpOptions options, SmtpListenerReplies replies, SenderAuthenticator? authenticator = null, OutboundDkimSigner? signer = null, ArcSealer? sealer = null)
    {
        _connection = connection;
        _replies = replies;
        _sealer = sealer;
        _authenticator = authenticator;
        _signer = signer;
        _context = context;
        _options = options;
        _lmtp = options.Role == SmtpRole.Lmtp;
        _info = new SessionInfo(connection.Id, connection.Listener.Name, options.Role, connection.RemoteEndPoint, connection.LocalEndPoint) { IsSecure = connection.IsSecure };
        _transaction = new SmtpTransaction(new MessageSpool(options.MaxMessageSize, options.SpoolMemoryThreshold, options.SpoolDirectory));
        _logger = context.LoggerFactory.CreateLogger("MailKitServer.Smtp");
        connection.IdleTimeout = options.CommandTimeout;
        connection.LineTimeout = options.CommandTimeout;
        connection.Transcript.Redactor = SmtpTranscriptRedactor.Instance;
    }

    private string ServerName => _context.Options.ServerName;

    public async Task RunAsync()
    {
        try
        {
            await LeaveSocketThreadIfPolicyMayBlockAsync().ConfigureAwait(false);
            var verdict = await _context.Policy.OnConnectAsync(_info, _connection.Aborted).ConfigureAwait(false);
            if (!verdict.IsAccepted)
            {
                Reply(verdict.Reply!);
                await _connection.FlushAsync().ConfigureAwait(false);
                return;
            }

            StartScreening();
            if (!await MilterConnectAsync().ConfigureAwait(false))
            {
                return;
            }

            _connection.Write(_replies.Greeting);
            while (true)
            {
                var read = await _connection.ReadLineAsync(_options.MaxLineLength).ConfigureAwait(false);
                if (await _replies.Farewell.EndsSessionAsync(_connection, read.Status).ConfigureAwait(false))
                {
                    return;
                }

                if (read.Status == LineReadStatus.TooLong)
                {
                    // RFC 5321 §4.5.3.1.4 and §4.2.4: 500 for a line too long.
                    if (!await ErrorAsync("500 5.5.2 Error: line too long\r\n"u8).ConfigureAwait(false))
                    {
                        return;
                    }

                    continue;
                }

                if (!await DispatchAsync(read.Line).ConfigureAwait(false))
                {
                    await _connection.FlushAsync().ConfigureAwait(false);
                    return;
                }
            }
        }
        catch (MailConnectionTimeoutException)
        {
            await _replies.Farewell.EndsSessionAsync(_connection, LineReadStatus.TimedOut).ConfigureAwait(false);
        }
        catch (PolicyDisconnectException)
        {
            // The policy asked for the connection to drop without a word: the handler closes it.
        }
        finally
        {
            _transaction.Spool.Dispose();
            await MilterCloseAsync().ConfigureAwait(false);
        }
    }

    private async ValueTask<bool> DispatchAsync(ReadOnlyMemory<byte> lineMemory)
    {
        var command = SmtpCommandParser.Parse(lineMemory.Span);
        _context.Metrics.Commands.Add(1, new KeyValuePair<string, object?>("protocol", "smtp"));
        var argument = lineMemory[command.Argument];
        switch (command.Verb)
        {
            case SmtpVerb.Ehlo when !_lmtp:
                return await EhloAsync(argument, extended: true).ConfigureAwait(false);
            case SmtpVerb.Helo when !_lmtp:
                return await EhloAsync(argument, extended: false).ConfigureAwait(false);
            case SmtpVerb.Lhlo when _lmtp:
                return await EhloAsync(argument, extended: true).ConfigureAwait(false);
            case SmtpVerb.Mail:
                return await MailAsync(argument).ConfigureAwait(false);
            case SmtpVerb.Rcpt:
                return await RcptAsync(argument).ConfigureAwait(false);
            case SmtpVerb.Data:
                return await DataAsync(argument).ConfigureAwait(false);
            case SmtpVerb.Bdat when _options.EnableChunking:
                return await BdatAsync(argument).ConfigureAwait(false);
            case SmtpVerb.Rset:
                ResetTransaction();
                _connection.Write("250 2.0.0 Ok\r\n"u8);
                return true;
            case SmtpVerb.Noop:
                _connection.Write("250 2.0.0 Ok\r\n"u8);
                return true;
            case SmtpVerb.Quit:
                _connection.Write("221 2.0.0 Bye\r\n"u8);
                return false;
            case SmtpVerb.Vrfy:
                // RFC 5321 §3.5.3: 252 when the server will not verify but will accept mail for the address.
                return argument.IsEmpty
                    ? await ErrorAsync("501 5.5.4 Syntax: VRFY address\r\n"u8).ConfigureAwait(false)
                    : Ok("252 2.5.2 Cannot VRFY user, but will accept message and attempt delivery\r\n"u8);
            case SmtpVerb.Expn:
                return Ok("502 5.5.1 EXPN not available\r\n"u8);
            case SmtpVerb.Help:
                return Ok("214 2.0.0 Commands: EHLO HELO MAIL RCPT DATA BDAT RSET NOOP QUIT VRFY AUTH STARTTLS HELP\r\n"u8);
            case SmtpVerb.Auth when !_lmtp:
                return await AuthAsync(argument).ConfigureAwait(false);
            case SmtpVerb.StartTls when _options.EnableStartTls:
                return await StartTlsAsync(argument).ConfigureAwait(false);
            default:
                return await ErrorAsync("500 5.5.1 Error: command not recognized\r\n"u8).ConfigureAwait(false);
        }
    }

    private bool Ok(ReadOnlySpan<byte> reply)
    {
        _connection.Write(reply);
        return true;
    }

    /// <summary>Sends an error reply and counts it; past the limit the session ends with 421.</summary>
    private async ValueTask<bool> ErrorAsync(ReadOnlyMemory<byte> reply)
    {
        _connection.Write(reply.Span);
        if (++_errors < _options.MaxErrors)
        {
            return true;
        }

        Diagnostics.SmtpLog.TooManyErrors(_logger, _connection.Id, _errors);
        _connection.Write($"421 4.7.0 {ServerName} Error: too many errors\r\n");
        await _connection.TryFlushAsync().ConfigureAwait(false);
        return false;
    }

    private ValueTask<bool> ErrorAsync(ReadOnlySpan<byte> reply) => ErrorAsync(reply.ToArray().AsMemory());

    private void Reply(SmtpReply reply)
    {
        var lines = reply.Text.Split('\n');
        var sb = new StringBuilder();
        for (var i = 0; i < lines.Length; i++)
        {
            sb.Append(reply.Code.ToString(CultureInfo.InvariantCulture)).Append(i == lines.Length - 1 ? ' ' : '-');
            if (reply.Status is { } status)
            {
                sb.Append(status.ToString()).Append(' ');
            }

            sb.Append(lines[i]).Append("\r\n");
        }

        _connection.Write(sb.ToString());
    }

    private void ResetTransaction()
    {
        _transaction.Reset();
        if (_state != SmtpState.Connected)
        {
            _state = SmtpState.Ready;
        }
    }
}
