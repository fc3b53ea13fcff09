using System.Buffers;
using System.Globalization;
using System.Text;
using MailKitServer.Runtime;
using MailKitServer.Sasl;
using MailKitServer.Storage;
using Microsoft.Extensions.Logging;

namespace MailKitServer.Pop3.Session;

/// <summary>
/// One POP3 session (RFC 1939, RFC 2449): AUTHORIZATION, then TRANSACTION on a snapshot of the INBOX whose
/// numbering is fixed for the session, then UPDATE on QUIT. A dropped connection deletes nothing.
/// </summary>
internal sealed partial class Pop3Session
{
    // RFC 1939 §3: the autologout timer closes without entering UPDATE.
    private static readonly SessionFarewell Farewell = new("-ERR [SYS/TEMP] Autologout: idle for too long\r\n", "-ERR [SYS/TEMP] Server shutting down\r\n");

    private readonly MailConnection _connection;
    private readonly MailServerContext _context;
    private readonly Pop3Options _options;
    private readonly LoginDelayTracker _logins;
    private readonly ILogger _logger;
    private readonly DotStuffer _stuffer = new();
    private readonly List<Pop3Message> _messages = [];
    private bool _transaction;
    private string? _userName;
    private int _errors;
    private IMailAccount? _account;
    private IAsyncDisposable? _lock;
    private IMailboxView? _view;

    /// <summary>Whether a multi-line answer (RETR, TOP) has begun and not ended: an error now cannot be answered.</summary>
    private bool _answering;

    public Pop3Session(MailConnection connection, MailServerContext context, Pop3Options options, LoginDelayTracker logins)
    {
        _connection = connection;
        _context = context;
        _options = options;
        _logins = logins;
        _logger = context.LoggerFactory.CreateLogger("MailKitServer.Pop3");
        connection.IdleTimeout = options.IdleTimeout;
        connection.LineTimeout = options.IdleTimeout;
        connection.Transcript.Redactor = Pop3TranscriptRedactor.Instance;
    }

    public async Task RunAsync()
    {
        try
        {
            _connection.Write("+OK MailKitServer POP3 server ready\r\n"u8);
            while (true)
            {
                var read = await _connection.ReadLineAsync(_options.MaxLineLength).ConfigureAwait(false);
                if (await Farewell.EndsSessionAsync(_connection, read.Status).ConfigureAwait(false))
                {
                    return;
                }

                if (read.Status == LineReadStatus.TooLong)
                {
                    if (!await ErrorAsync("-ERR Line too long\r\n").ConfigureAwait(false))
                    {
                        return;
                    }

                    continue;
                }

                bool goOn;
                await ThreadPoolHop.LeaveSocketThreadAsync().ConfigureAwait(false);
                try
                {
                    goOn = await DispatchAsync(Encoding.UTF8.GetString(read.Line.Span)).ConfigureAwait(false);
                }
                catch (Storage.StoreUnavailableException ex)
                {
                    // RFC 3206 §4: a temporary system failure; the session stays usable.
                    _connection.Write($"-ERR [SYS/TEMP] {ex.Message}\r\n");
                    goOn = true;
                }
                catch (IOException ex) when (!_connection.IsPeerGone)
                {
                    // The store's disk failed, not the client (issue 15 item 6): logged, and answered as a temporary
                    // failure (RFC 3206 §4) unless a multi-line answer was under way, which cannot be taken back.
                    _logger.LogError(ex, "POP3 connection {ConnectionId}: store I/O error", _connection.Id);
                    if (_answering)
                    {
                        return;
                    }

                    _connection.Write("-ERR [SYS/TEMP] Internal error, try again later\r\n"u8);
                    goOn = true;
                }

                if (!goOn)
                {
                    await _connection.TryFlushAsync().ConfigureAwait(false);
                    return;
                }
            }
        }
        catch (MailConnectionTimeoutException)
        {
        }
        finally
        {
            await ReleaseMaildropAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Closes the view, releases the maildrop lock and the account; safe to call twice.</summary>
    private async ValueTask ReleaseMaildropAsync()
    {
        var (view, held, account) = (_view, _lock, _account);
        (_view, _lock, _account) = (null, null, null);
        if (view is not null)
        {
            await view.DisposeAsync().ConfigureAwait(false);
        }

        if (held is not null)
        {
            await held.DisposeAsync().ConfigureAwait(false);
        }

        if (account is not null)
        {
            await account.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async ValueTask<bool> DispatchAsync(string line)
    {
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        var verb = (space < 0 ? line : line[..space]).ToUpperInvariant();
        var argument = space < 0 ? string.Empty : line[(space + 1)..];
        _context.Metrics.Commands.Add(1, new KeyValuePair<string, object?>("protocol", "pop3"));
        switch (verb)
        {
            case "CAPA":
                Capabilities();
                return true;
            case "NOOP" when _transaction:
                return Ok("+OK\r\n");
            case "QUIT":
                return await QuitAsync().ConfigureAwait(false);
            case "USER" when !_transaction:
                return await UserAsync(argument).ConfigureAwait(false);
            case "PASS" when !_transaction:
                return await PassAsync(argument).ConfigureAwait(false);
            case "AUTH" when !_transaction:
                return await AuthAsync(argument).ConfigureAwait(false);
            case "APOP" when !_transaction:
                // APOP needs the shared secret in the clear, which the directory does not keep; it is not advertised.
                return await ErrorAsync("-ERR APOP is not available\r\n").ConfigureAwait(false);
            case "STLS" when !_transaction && _options.EnableStls:
                return await StlsAsync(argument).ConfigureAwait(false);
            case "UTF8" when !_transaction:
                // RFC 6856 §2: user names, passwords and messages may be UTF-8; they already are here.
                return Ok("+OK UTF8 enabled\r\n");
            case "STAT" when _transaction:
                Stat();
                return true;
            case "LIST" when _transaction:
                return await ListAsync(argument, unique: false).ConfigureAwait(false);
            case "UIDL" when _transaction:
                return await ListAsync(argument, unique: true).ConfigureAwait(false);
            case "RETR" when _transaction:
                return await RetrieveAsync(argument, top: false).ConfigureAwait(false);
            case "TOP" when _transaction:
                return await RetrieveAsync(argument, top: true).ConfigureAwait(false);
            case "DELE" when _transaction:
                return await DeleteAsync(argument).ConfigureAwait(false);
            case "RSET" when _transaction:
                foreach (var m in _messages)
                {
                    m.Deleted = false;
                }

                Stat("+OK maildrop has ");
                return true;
            case "STAT" or "LIST" or "UIDL" or "RETR" or "TOP" or "DELE" or "RSET" or "NOOP":
                return await ErrorAsync("-ERR Command not valid before authentication\r\n").ConfigureAwait(false);
            case "USER" or "PASS" or "AUTH" or "APOP" or "STLS" or "UTF8":
                return await ErrorAsync("-ERR Command not valid in this state\r\n").ConfigureAwait(false);
            default:
                return await ErrorAsync("-ERR Unknown command\r\n").ConfigureAwait(false);
        }
    }

    private void Capabilities()
    {
        // RFC 2449 §5: the capability list, which may differ by state.
        var sb = new StringBuilder("+OK Capability list follows\r\nTOP\r\nUIDL\r\nRESP-CODES\r\nAUTH-RESP-CODE\r\nPIPELINING\r\n");
        sb.Append("EXPIRE ").Append(_options.Expire).Append("\r\n");
        if (_options.LoginDelay is { } delay)
        {
            sb.Append("LOGIN-DELAY ").Append(((long)delay.TotalSeconds).ToString(CultureInfo.InvariantCulture)).Append("\r\n");
        }

        if (!_transaction)
        {
            if (SaslMechanisms.AllowsPlainText(_connection))
            {
                sb.Append("USER\r\n");
            }

            sb.Append("SASL ").AppendJoin(' ', SaslMechanisms.Advertised(_connection)).Append("\r\n");
            if (_options.EnableStls && !_connection.IsSecure)
            {
                sb.Append("STLS\r\n");
            }

            sb.Append("UTF8 USER\r\n");
        }

        sb.Append("IMPLEMENTATION MailKitServer\r\n.\r\n");
        _connection.Write(sb.ToString());
    }

    private void Stat(string prefix = "+OK ")
    {
        var live = _messages.Where(m => !m.Deleted).ToList();
        _connection.Write(prefix == "+OK "
            ? $"+OK {live.Count} {live.Sum(m => m.Size)}\r\n"
            : $"{prefix}{live.Count} messages ({live.Sum(m => m.Size)} octets)\r\n");
    }

    private async ValueTask<bool> ListAsync(string argument, bool unique)
    {
        if (argument.Length > 0)
        {
            var (message, number) = Find(argument);
            if (message is null)
            {
                return await ErrorAsync(number).ConfigureAwait(false);
            }

            _connection.Write(unique ? $"+OK {number} {message.UniqueId}\r\n" : $"+OK {number} {message.Size}\r\n");
            return true;
        }

        var sb = new StringBuilder(unique ? "+OK Unique-ID listing follows\r\n" : "+OK Scan listing follows\r\n");
        for (var i = 0; i < _messages.Count; i++)
        {
            var m = _messages[i];
            if (!m.Deleted)
            {
                sb.Append(i + 1).Append(' ').Append(unique ? m.UniqueId : m.Size.ToString(CultureInfo.InvariantCulture)).Append("\r\n");
            }
        }

        _connection.Write(sb.Append(".\r\n").ToString());
        return true;
    }

    private async ValueTask<bool> DeleteAsync(string argument)
    {
        var (message, text) = Find(argument);
        if (message is null)
        {
            return await ErrorAsync(text).ConfigureAwait(false);
        }

        message.Deleted = true;
        _connection.Write($"+OK Message {text} deleted\r\n");
        return true;
    }

    private async ValueTask<bool> RetrieveAsync(string argument, bool top)
    {
        var parts = argument.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var lines = 0;
        if (parts.Length != (top ? 2 : 1) || (top && (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out lines) || lines < 0)))
        {
            return await ErrorAsync(top ? "-ERR Syntax: TOP message lines\r\n" : "-ERR Syntax: RETR message\r\n").ConfigureAwait(false);
        }

        var (message, text) = Find(parts[0]);
        if (message is null)
        {
            return await ErrorAsync(text).ConfigureAwait(false);
        }

        var content = await _view!.OpenContentAsync(message.Uid, 0, null, _connection.Aborted).ConfigureAwait(false);
        if (content is null)
        {
            _connection.Write("-ERR [SYS/PERM] Message was removed by another session\r\n"u8);
            return true;
        }

        await using (content.ConfigureAwait(false))
        {
            _connection.Write(top ? "+OK Top of message follows\r\n" : $"+OK {message.Size} octets\r\n");
            _answering = true;
            var buffer = ArrayPool<byte>.Shared.Rent(32 * 1024);
            try
            {
                var limiter = new TopLimiter(top ? lines : -1);
                int n;
                while ((n = await content.ReadAsync(buffer, _connection.Aborted).ConfigureAwait(false)) > 0)
                {
                    var (take, done) = limiter.Take(buffer.AsSpan(0, n));
                    _stuffer.Write(buffer.AsSpan(0, take), _connection.Output);
                    await _connection.FlushAsync().ConfigureAwait(false);
                    if (done)
                    {
                        break;
                    }
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            _stuffer.Finish(_connection.Output);
            _answering = false;
            await _connection.FlushAsync().ConfigureAwait(false);
        }

        return true;
    }

    private async ValueTask<bool> QuitAsync()
    {
        if (!_transaction)
        {
            _connection.Write("+OK MailKitServer POP3 server signing off\r\n"u8);
            return false;
        }

        // RFC 1939 §6: the UPDATE state removes the messages marked as deleted.
        var deleted = _messages.Where(m => m.Deleted).Select(m => m.Uid).ToList();
        if (deleted.Count > 0)
        {
            var result = await _view!.RemoveAsync(UidSet.FromUids(deleted), CancellationToken.None).ConfigureAwait(false);
            if (result.Status != StoreStatus.Success)
            {
                _connection.Write("-ERR [SYS/TEMP] Some deleted messages not removed\r\n"u8);
                return false;
            }
        }

        // The maildrop is released before +OK goes out, so a client that reconnects as soon as it reads the
        // answer finds it unlocked (RFC 1939 §6: UPDATE happens before the server answers QUIT).
        await ReleaseMaildropAsync().ConfigureAwait(false);
        _connection.Write($"+OK MailKitServer POP3 server signing off ({deleted.Count} messages deleted)\r\n");
        return false;
    }

    private (Pop3Message? Message, string Text) Find(string argument)
    {
        if (!int.TryParse(argument.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return (null, "-ERR Invalid message number\r\n");
        }

        if (number < 1 || number > _messages.Count)
        {
            return (null, "-ERR No such message\r\n");
        }

        var message = _messages[number - 1];
        return message.Deleted ? (null, "-ERR Message already deleted\r\n") : (message, number.ToString(CultureInfo.InvariantCulture));
    }

    private bool Ok(string reply)
    {
        _connection.Write(reply);
        return true;
    }

    private async ValueTask<bool> ErrorAsync(string reply)
    {
        _connection.Write(reply);
        if (++_errors < _options.MaxErrors)
        {
            return true;
        }

        _connection.Write("-ERR Too many errors, closing\r\n"u8);
        await _connection.TryFlushAsync().ConfigureAwait(false);
        return false;
    }
}
