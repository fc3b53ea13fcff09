using MailKitServer.Imap.Parsing;
using MailKitServer.Runtime;
using MailKitServer.Sasl;
using MailKitServer.Storage;
using Microsoft.Extensions.Logging;

namespace MailKitServer.Imap.Session;

/// <summary>
/// One IMAP session (RFC 3501): reads whole commands (literals included), checks the state, runs the command and
/// sends pending mailbox updates at the points the protocol allows. Command groups live in the other parts.
/// </summary>
internal sealed partial class ImapSession
{
    private readonly MailConnection _connection;
    private readonly MailServerContext _context;
    private readonly ImapOptions _options;
    private readonly ImapCommandReader _reader;
    private readonly ILogger _logger;
    private ImapState _state;
    private IMailAccount? _account;
    private SelectedMailbox? _selected;
    private int _badCommands;
    private bool _expungeAllowed = true;
    private bool _imap4rev2;
    private bool _utf8Accept;
    private string _userId = string.Empty;

    public ImapSession(MailConnection connection, MailServerContext context, ImapOptions options)
    {
        _connection = connection;
        _context = context;
        _options = options;
        _reader = new ImapCommandReader(connection, options);
        _logger = context.LoggerFactory.CreateLogger("MailKitServer.Imap");
        connection.IdleTimeout = options.IdleTimeout;
        connection.Transcript.Redactor = Redact;
    }

    private string Capabilities
    {
        get
        {
            var caps = new List<string> { "IMAP4rev1", "IMAP4rev2", _options.LiteralPlus ? "LITERAL+" : "LITERAL-", "UTF8=ACCEPT", "SASL-IR", "ID", "ENABLE", "IDLE", "NAMESPACE", "UNSELECT", "UIDPLUS", "MOVE", "CHILDREN", "SPECIAL-USE", "CREATE-SPECIAL-USE", "LIST-EXTENDED", "LIST-STATUS", "ESEARCH", "SEARCHRES", "BINARY", "STATUS=SIZE", "MULTIAPPEND", $"APPENDLIMIT={_options.AppendLimit}" };
            if (_state == ImapState.NotAuthenticated)
            {
                if (_options.EnableStartTls && !_connection.IsSecure)
                {
                    caps.Add("STARTTLS");
                }

                if (!SaslMechanisms.AllowsPlainText(_connection))
                {
                    caps.Add("LOGINDISABLED");
                }

                caps.AddRange(SaslMechanisms.Advertised(_connection).Select(m => "AUTH=" + m));
            }

            return string.Join(' ', caps);
        }
    }

    public async Task RunAsync()
    {
        try
        {
            _connection.Write($"* OK [CAPABILITY {Capabilities}] MailKitServer ready\r\n");
            while (true)
            {
                ReadOutcome outcome;
                try
                {
                    outcome = await _reader.ReadAsync().ConfigureAwait(false);
                }
                catch (MailConnectionTimeoutException)
                {
                    outcome = new ReadOutcome(LineReadStatus.TimedOut, null, null, null);
                }

                switch (outcome.Status)
                {
                    case LineReadStatus.Closed:
                        await TryFlushAsync().ConfigureAwait(false);
                        return;
                    case LineReadStatus.TimedOut:
                        _connection.Write("* BYE Autologout; idle for too long\r\n"u8);
                        await TryFlushAsync().ConfigureAwait(false);
                        return;
                    case LineReadStatus.ShuttingDown:
                        _connection.Write("* BYE [UNAVAILABLE] Server shutting down\r\n"u8);
                        await TryFlushAsync().ConfigureAwait(false);
                        return;
                    case LineReadStatus.TooLong:
                        if (!await BadAsync("*", "Command line too long").ConfigureAwait(false))
                        {
                            return;
                        }

                        continue;
                }

                if (outcome.Command is not { } command)
                {
                    if (outcome.SyntaxError is { } error && !await BadAsync(outcome.Tag ?? "*", error).ConfigureAwait(false))
                    {
                        return;
                    }

                    continue;
                }

                _context.Metrics.Commands.Add(1, new KeyValuePair<string, object?>("protocol", "imap"));
                if (!await DispatchAsync(command).ConfigureAwait(false))
                {
                    await TryFlushAsync().ConfigureAwait(false);
                    return;
                }
            }
        }
        finally
        {
            if (_selected is not null)
            {
                await _selected.View.DisposeAsync().ConfigureAwait(false);
            }

            if (_account is not null)
            {
                await _account.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private async ValueTask<bool> DispatchAsync(ImapCommandLine c)
    {
        var name = c.Name;
        var uid = false;
        var args = c.Arguments;
        if (name == "UID" && _state == ImapState.Selected && args.Count > 0 && args[0].Kind == ImapTokenKind.Atom)
        {
            uid = true;
            name = args[0].Text.ToUpperInvariant();
            args = args.Skip(1).ToList();
            if (name is not ("FETCH" or "STORE" or "SEARCH" or "COPY" or "MOVE" or "EXPUNGE"))
            {
                return await BadAsync(c.Tag, "Unknown UID command").ConfigureAwait(false);
            }
        }

        // RFC 3501 §7.4.1: no EXPUNGE response during FETCH, STORE or SEARCH by sequence number.
        _expungeAllowed = uid || name is not ("FETCH" or "STORE" or "SEARCH");
        switch (name)
        {
            case "CAPABILITY":
                _connection.Write($"* CAPABILITY {Capabilities}\r\n");
                return Ok(c.Tag, "CAPABILITY completed");
            case "NOOP":
            case "CHECK" when _state == ImapState.Selected:
                await SendUpdatesAsync(allowExpunge: true).ConfigureAwait(false);
                return Ok(c.Tag, $"{name} completed");
            case "LOGOUT":
                _connection.Write("* BYE MailKitServer logging out\r\n"u8);
                Ok(c.Tag, "LOGOUT completed");
                return false;
            case "ID":
                // RFC 2971: the server's identity.
                _connection.Write("* ID (\"name\" \"MailKitServer\" \"version\" \"0.1.0\")\r\n"u8);
                return Ok(c.Tag, "ID completed");
            case "ENABLE" when _state == ImapState.Authenticated:
                return Enable(c.Tag, args);
            case "STARTTLS" when _state == ImapState.NotAuthenticated && _options.EnableStartTls:
                return await StartTlsAsync(c.Tag).ConfigureAwait(false);
            case "LOGIN" when _state == ImapState.NotAuthenticated:
                return await LoginAsync(c.Tag, args).ConfigureAwait(false);
            case "AUTHENTICATE" when _state == ImapState.NotAuthenticated:
                return await AuthenticateAsync(c.Tag, args).ConfigureAwait(false);
            case "SELECT" or "EXAMINE" when _state != ImapState.NotAuthenticated:
                return await SelectAsync(c.Tag, args, readOnly: name == "EXAMINE").ConfigureAwait(false);
            case "CREATE" or "DELETE" or "RENAME" or "SUBSCRIBE" or "UNSUBSCRIBE" when _state != ImapState.NotAuthenticated:
                return await MailboxCommandAsync(c.Tag, name, args).ConfigureAwait(false);
            case "LIST" or "LSUB" when _state != ImapState.NotAuthenticated:
                return await ListAsync(c.Tag, args, lsub: name == "LSUB").ConfigureAwait(false);
            case "STATUS" when _state != ImapState.NotAuthenticated:
                return await StatusAsync(c.Tag, args).ConfigureAwait(false);
            case "NAMESPACE" when _state != ImapState.NotAuthenticated:
                _connection.Write("* NAMESPACE ((\"\" \"/\")) NIL NIL\r\n"u8);
                return Ok(c.Tag, "NAMESPACE completed");
            case "APPEND" when _state != ImapState.NotAuthenticated:
                return await AppendAsync(c.Tag, args).ConfigureAwait(false);
            case "IDLE" when _state != ImapState.NotAuthenticated:
                return await IdleAsync(c.Tag).ConfigureAwait(false);
            case "CLOSE" or "UNSELECT" when _state == ImapState.Selected:
                return await CloseAsync(c.Tag, expunge: name == "CLOSE").ConfigureAwait(false);
            case "EXPUNGE" when _state == ImapState.Selected:
                return await ExpungeAsync(c.Tag, uid, args).ConfigureAwait(false);
            case "FETCH" when _state == ImapState.Selected:
                return await FetchAsync(c.Tag, uid, args).ConfigureAwait(false);
            case "STORE" when _state == ImapState.Selected:
                return await StoreAsync(c.Tag, uid, args).ConfigureAwait(false);
            case "SEARCH" when _state == ImapState.Selected:
                return await SearchAsync(c.Tag, uid, args).ConfigureAwait(false);
            case "COPY" or "MOVE" when _state == ImapState.Selected:
                return await CopyAsync(c.Tag, uid, args, move: name == "MOVE").ConfigureAwait(false);
            default:
                return await BadAsync(c.Tag, IsKnown(name) ? "Command not valid in this state" : "Unknown command").ConfigureAwait(false);
        }
    }

    private static bool IsKnown(string name) => name is "CAPABILITY" or "NOOP" or "LOGOUT" or "ID" or "ENABLE" or "STARTTLS" or "LOGIN" or "AUTHENTICATE"
        or "SELECT" or "EXAMINE" or "CREATE" or "DELETE" or "RENAME" or "SUBSCRIBE" or "UNSUBSCRIBE" or "LIST" or "LSUB" or "STATUS" or "NAMESPACE"
        or "APPEND" or "IDLE" or "CLOSE" or "UNSELECT" or "EXPUNGE" or "FETCH" or "STORE" or "SEARCH" or "COPY" or "MOVE" or "CHECK" or "UID";

    private bool Ok(string tag, string text)
    {
        _selected?.ApplyPending(_expungeAllowed, _connection.Write, !_imap4rev2);
        _connection.Write($"{tag} OK {text}\r\n");
        return true;
    }

    private bool No(string tag, string text)
    {
        _selected?.ApplyPending(_expungeAllowed, _connection.Write, !_imap4rev2);
        _connection.Write($"{tag} NO {text}\r\n");
        return true;
    }

    /// <summary>Sends BAD; too many close the connection (before authentication: cross-protocol attacks).</summary>
    private async ValueTask<bool> BadAsync(string tag, string text)
    {
        _connection.Write($"{tag} BAD {text}\r\n");
        _badCommands++;
        var limit = _state == ImapState.NotAuthenticated ? _options.MaxBadCommandsBeforeAuthentication : _options.MaxBadCommands;
        if (_badCommands < limit)
        {
            return true;
        }

        _connection.Write("* BYE Too many invalid commands\r\n"u8);
        await TryFlushAsync().ConfigureAwait(false);
        return false;
    }

    /// <summary>Sends the untagged updates the store's change feed has for the selected mailbox.</summary>
    private ValueTask SendUpdatesAsync(bool allowExpunge)
    {
        _selected?.ApplyPending(allowExpunge, _connection.Write, !_imap4rev2);
        return ValueTask.CompletedTask;
    }

    private async ValueTask TryFlushAsync()
    {
        try
        {
            await _connection.FlushAsync().ConfigureAwait(false);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Whether mailbox names and quoted strings travel as UTF-8 (IMAP4rev2 or UTF8=ACCEPT enabled).</summary>
    private bool Utf8 => _imap4rev2 || _utf8Accept;

    /// <summary>
    /// ENABLE (RFC 5161 §3.1; valid only in the authenticated state): IMAP4rev2 (RFC 9051 §6.3.1) and UTF8=ACCEPT
    /// (RFC 6855 §3); "* ENABLED" lists only what this command newly enabled, unknown names are ignored.
    /// </summary>
    private bool Enable(string tag, IReadOnlyList<ImapToken> args)
    {
        var enabled = new List<string>();
        foreach (var arg in args)
        {
            var name = arg.Text.ToUpperInvariant();
            if (name == "IMAP4REV2" && !_imap4rev2)
            {
                _imap4rev2 = true;
                enabled.Add("IMAP4rev2");
            }
            else if (name == "UTF8=ACCEPT" && !_utf8Accept)
            {
                _utf8Accept = true;
                enabled.Add("UTF8=ACCEPT");
            }
        }

        _connection.Write(enabled.Count == 0 ? "* ENABLED\r\n" : "* ENABLED " + string.Join(' ', enabled) + "\r\n");
        return Ok(tag, "ENABLE completed");
    }

    /// <summary>A mailbox name from the client: modified UTF-7 for IMAP4rev1, UTF-8 once enabled (RFC 6855 §3).</summary>
    private bool TryMailboxName(ImapToken token, out string name)
    {
        name = string.Empty;
        if (token.Kind == ImapTokenKind.List)
        {
            return false;
        }

        string decoded;
        if (Utf8)
        {
            decoded = token.Text;
            if (decoded.Contains('\uFFFD', StringComparison.Ordinal))
            {
                return false;
            }
        }
        else if (!ModifiedUtf7.TryDecode(token.Text, out decoded))
        {
            return false;
        }

        return MailboxName.TryNormalize(decoded, out name);
    }

    /// <summary>A message's FLAGS in this session: \Recent only for IMAP4rev1 (RFC 9051 removed it).</summary>
    private string FlagsOf(MessageInfo info) => ImapFormat.Flags(info.Flags, info.Keywords, !_imap4rev2 && _selected is { } s && s.IsRecent(info.Uid));

    private string MailboxString(string name) => ImapFormat.Mailbox(name, Utf8);

    private static string StoreError(StoreStatus status, string? message) => status switch
    {
        StoreStatus.NotFound => "[NONEXISTENT] " + (message ?? "No such mailbox"),
        StoreStatus.AlreadyExists => "[ALREADYEXISTS] " + (message ?? "Mailbox already exists"),
        StoreStatus.InvalidName => "[CANNOT] " + (message ?? "Invalid mailbox name"),
        StoreStatus.NotAllowed => "[CANNOT] " + (message ?? "Not allowed"),
        StoreStatus.OverQuota => "[OVERQUOTA] " + (message ?? "Quota exceeded"),
        _ => "[UNAVAILABLE] " + (message ?? "Try again later"),
    };

    /// <summary>Redacts LOGIN passwords and AUTHENTICATE initial responses in the transcript.</summary>
    private static int Redact(ReadOnlyMemory<byte> line)
    {
        var text = System.Text.Encoding.UTF8.GetString(line.Span);
        var parts = text.Split(' ', 4);
        if (parts.Length >= 3 && parts[1].Equals("LOGIN", StringComparison.OrdinalIgnoreCase))
        {
            return parts[0].Length + parts[1].Length + parts[2].Length + 3;
        }

        if (parts.Length >= 4 && parts[1].Equals("AUTHENTICATE", StringComparison.OrdinalIgnoreCase))
        {
            return parts[0].Length + parts[1].Length + parts[2].Length + 3;
        }

        return -1;
    }
}
