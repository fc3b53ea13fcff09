using MailKitServer.Imap.Commands;
using MailKitServer.Imap.Fetch;
using MailKitServer.Imap.Notify;
using MailKitServer.Imap.Parsing;
using MailKitServer.Imap.Responses;
using MailKitServer.Imap.Search;
using MailKitServer.Imap.Sorting;
using MailKitServer.Runtime;
using MailKitServer.Storage;
using Microsoft.Extensions.Logging;

namespace MailKitServer.Imap.Session;

/// <summary>
/// One IMAP session (RFC 9051, RFC 3501): reads whole commands (literals included), finds the command in
/// <see cref="ImapCommandTable"/>, checks the state and runs it. The commands (Commands/) work on the state kept here:
/// the account, the selected mailbox and the enabled extensions; the tagged replies written through
/// <see cref="Ok"/>, <see cref="No"/> and <see cref="BadAsync"/> carry the mailbox updates the protocol allows.
/// </summary>
internal sealed class ImapSession
{
    /// <summary>The BYE of a session that timed out (autologout) or that a shutdown ends, between commands and in IDLE.</summary>
    internal static readonly SessionFarewell Farewell = new("* BYE Autologout; idle for too long\r\n", "* BYE [UNAVAILABLE] Server shutting down\r\n");
    private readonly ImapCommandReader _reader;
    private readonly ImapTranscriptRedactor _redactor = new();
    private int _badCommands;
    private bool _expungeAllowed = true;
    private string? _completion;

    public ImapSession(MailConnection connection, MailServerContext context, ImapOptions options, StructureCache structures, SortDataCache sortData)
    {
        Connection = connection;
        Structures = structures;
        SortData = sortData;
        Context = context;
        Options = options;
        _reader = new ImapCommandReader(connection, options);
        Logger = context.LoggerFactory.CreateLogger("MailKitServer.Imap");
        connection.IdleTimeout = options.PreLoginTimeout;
        connection.LineTimeout = options.PreLoginTimeout;
        connection.Transcript.Redactor = _redactor;
    }

    /// <summary>The connection.</summary>
    internal MailConnection Connection { get; }

    /// <summary>The running server (store, directory, throttling, metrics).</summary>
    internal MailServerContext Context { get; }

    /// <summary>The listener's options.</summary>
    internal ImapOptions Options { get; }

    /// <summary>The parsed message structures the listener's sessions share.</summary>
    internal StructureCache Structures { get; }

    /// <summary>The SORT/THREAD header data the listener's sessions share.</summary>
    internal SortDataCache SortData { get; }

    /// <summary>The session's logger.</summary>
    internal ILogger Logger { get; }

    /// <summary>The connection state (RFC 9051 §3).</summary>
    internal ImapState State { get; set; }

    /// <summary>The logged-in user's account, once authenticated.</summary>
    internal IMailAccount? Account { get; set; }

    /// <summary>The logged-in user id.</summary>
    internal string UserId { get; set; } = string.Empty;

    /// <summary>The selected mailbox, in the selected state.</summary>
    internal SelectedMailbox? Selected { get; set; }

    /// <summary>What NOTIFY SET asked for (RFC 5465), or null before NOTIFY and after NOTIFY NONE.</summary>
    internal NotifyState? Notify { get; set; }

    /// <summary>The extensions the client enabled (RFC 5161).</summary>
    internal ImapExtensions Enabled { get; set; }

    /// <summary>Whether the client enabled UIDONLY (RFC 9586).</summary>
    internal bool UidOnly => (Enabled & ImapExtensions.UidOnly) != 0;

    /// <summary>The text of the BAD answer to a sequence number once UIDONLY is enabled (RFC 9586 §3).</summary>
    internal const string UidOnlyRequired = "[UIDREQUIRED] Message sequence numbers are not allowed once UIDONLY is enabled";

    /// <summary>Whether the client enabled IMAP4rev2 (RFC 9051 §6.3.1).</summary>
    internal bool Imap4rev2 => (Enabled & ImapExtensions.Imap4rev2) != 0;

    /// <summary>Whether mailbox names and quoted strings travel as UTF-8 (IMAP4rev2 or UTF8=ACCEPT enabled).</summary>
    internal bool Utf8 => (Enabled & (ImapExtensions.Imap4rev2 | ImapExtensions.Utf8Accept)) != 0;

    /// <summary>Cancelled when the connection goes away.</summary>
    internal CancellationToken Aborted => Connection.Aborted;

    /// <summary>Lets go of the command parser's memory before a long wait (IDLE); the current command's tokens must not be read after it.</summary>
    internal void TrimParseMemory() => _reader.TrimParseMemory();

    /// <summary>The capabilities in the current state.</summary>
    internal string Capabilities => ImapCapabilities.For(Options, Connection, State != ImapState.NotAuthenticated, Account, Context.Store is Storage.Acl.IMailboxAclStore);

    public async Task RunAsync()
    {
        try
        {
            Connection.Write($"* OK [CAPABILITY {Capabilities}] MailKitServer ready\r\n");
            while (true)
            {
                ReadOutcome outcome;
                try
                {
                    outcome = await ReadCommandAsync().ConfigureAwait(false);
                }
                catch (MailConnectionTimeoutException)
                {
                    outcome = new ReadOutcome(LineReadStatus.TimedOut, null, null, null);
                }
                finally
                {
                    // The command was read (or refused): the next line starts a new one.
                    _redactor.Reset();
                }

                if (await Farewell.EndsSessionAsync(Connection, outcome.Status).ConfigureAwait(false))
                {
                    return;
                }

                if (outcome.Status == LineReadStatus.TooLong)
                {
                    // Drained to the end of the command: answered with its tag, so the client is not left waiting.
                    if (!await BadAsync(outcome.Tag ?? "*", outcome.SyntaxError ?? "Command line too long").ConfigureAwait(false))
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

                Context.Metrics.Commands.Add(1, new KeyValuePair<string, object?>("protocol", "imap"));
                await ThreadPoolHop.LeaveSocketThreadAsync().ConfigureAwait(false);
                if (!await DispatchAsync(command).ConfigureAwait(false))
                {
                    await Connection.TryFlushAsync().ConfigureAwait(false);
                    return;
                }
            }
        }
        finally
        {
            await ReleaseAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Lets go of what the session holds when it ends: the NOTIFY subscription, the selected view, the account.</summary>
    private async ValueTask ReleaseAsync()
    {
        if (Notify is not null)
        {
            await Notify.DisposeAsync().ConfigureAwait(false);
        }

        if (Selected is not null)
        {
            await Selected.View.DisposeAsync().ConfigureAwait(false);
        }

        if (Account is not null)
        {
            await Account.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Reads the next command. After NOTIFY the client listens all the time (RFC 5465 §3.1), so events are pushed
    /// while the command is awaited: whatever the last command left, then each change as it comes.
    /// </summary>
    private async ValueTask<ReadOutcome> ReadCommandAsync()
    {
        if (Notify is not { } notify)
        {
            return await _reader.ReadAsync().ConfigureAwait(false);
        }

        var read = _reader.ReadAsync().AsTask();
        while (true)
        {
            var wake = notify.WaitAsync(this, includeSelected: true);
            if (await Task.WhenAny(read, wake).ConfigureAwait(false) == read || Aborted.IsCancellationRequested)
            {
                return await read.ConfigureAwait(false);
            }

            await notify.PushAsync(this, idling: false).ConfigureAwait(false);
            await Connection.FlushAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Runs one command. The command is awaited here, inside the handling of its faults, rather than through a method
    /// of its own: one async frame less for every session waiting in a command (10,000 in IMAP IDLE).
    /// </summary>
    private async ValueTask<bool> DispatchAsync(ImapCommandLine line)
    {
        if (Resolve(line, out var command, out var request) is { } refusal)
        {
            return await BadAsync(line.Tag, refusal).ConfigureAwait(false);
        }

        // RFC 3501 §7.4.1: no EXPUNGE response during FETCH, STORE or SEARCH by sequence number. The store's
        // changes are read into the view first, so the command sees current flags.
        _expungeAllowed = request.Uid || !command.HoldsExpunges;
        Selected?.Sync();
        bool goOn;
        try
        {
            goOn = await command.ExecuteAsync(this, request).ConfigureAwait(false);
        }
        catch (FetchResponseAbortedException ex) when (!Aborted.IsCancellationRequested)
        {
            // The response was completed on the wire; if it carried padding instead of data, the client must not
            // trust what it got, so the session ends (as Dovecot disconnects on a failed FETCH).
            Logger.LogError(ex.InnerException, "IMAP {Command} failed part way", request.Name);
            if (ex.LiteralPadded)
            {
                Connection.Write("* BYE [SERVERBUG] Internal error while sending a message\r\n"u8);
                goOn = false;
            }
            else
            {
                goOn = No(request.Tag, "[SERVERBUG] Internal error");
            }
        }
        catch (StoreUnavailableException ex) when (!Aborted.IsCancellationRequested)
        {
            // The store's backend is away (a database restart): a temporary failure the client may retry (RFC 5530).
            Logger.LogWarning(ex, "IMAP {Command}: store unavailable", request.Name);
            goOn = No(request.Tag, "[UNAVAILABLE] " + ex.Message);
        }
        catch (PathTooLongException ex) when (!Aborted.IsCancellationRequested)
        {
            // A name the file system cannot hold (a store on disk): refused, the session goes on (RFC 5530 CANNOT).
            Logger.LogWarning(ex, "IMAP {Command}: name too long for the store", request.Name);
            goOn = No(request.Tag, "[CANNOT] Name too long");
        }
        catch (IOException ex) when (!Connection.IsPeerGone && !Aborted.IsCancellationRequested)
        {
            // The store's disk failed, not the client's connection (that sets IsPeerGone): logged and answered, the
            // session goes on (issue 15 item 6; it used to end without a word, as if the client had gone away).
            Logger.LogError(ex, "IMAP {Command}: store I/O error", request.Name);
            goOn = No(request.Tag, "[SERVERBUG] Internal error");
        }
        catch (Exception ex) when (ex is not (OperationCanceledException or IOException or ObjectDisposedException) && !Aborted.IsCancellationRequested)
        {
            // A fault, not the peer going away (I/O errors are left to the connection's handling). Nothing of a
            // response is open (only FETCH streams, and it closes its own), so the session goes on.
            Logger.LogError(ex, "IMAP {Command} failed", request.Name);
            goOn = No(request.Tag, "[SERVERBUG] Internal error");
        }

        if (_completion is not null)
        {
            await CompleteCommandAsync(request.Name).ConfigureAwait(false);
        }

        return goOn;
    }

    /// <summary>Finds the command a line names and checks that it may run now.</summary>
    /// <returns>The text of the BAD answer when it may not (then the command and request are not set); otherwise null.</returns>
    private string? Resolve(ImapCommandLine line, out ImapCommand command, out ImapRequest request)
    {
        command = null!;
        request = null!;
        var name = line.Name;
        var uid = false;
        var args = line.Arguments;
        if (name == "UID" && State == ImapState.Selected && args.Count > 0 && args[0].Kind == ImapTokenKind.Atom)
        {
            uid = true;
            name = args[0].Text.ToUpperInvariant();
            args = args.Skip(1).ToList();
            if (ImapCommandTable.Find(name) is not { HasUidForm: true })
            {
                return "Unknown UID command";
            }
        }

        var found = ImapCommandTable.Find(name);
        if (found is null || !found.States.HasFlag(StateFlag))
        {
            return found is null && name != "UID" ? "Unknown command" : "Command not valid in this state";
        }

        if (!uid && found.NamesBySequence && UidOnly)
        {
            // RFC 9586 §3: once UIDONLY is enabled, a command using message sequence numbers gets BAD [UIDREQUIRED].
            return UidOnlyRequired;
        }

        command = found;
        request = new ImapRequest(line.Tag, name, args, uid);
        return null;
    }

    /// <summary>Sends what Ok or No left for after the update contexts' and NOTIFY's reports (they read the store), then the tagged line.</summary>
    private async ValueTask CompleteCommandAsync(string name)
    {
        var completion = _completion!;
        _completion = null;
        await SendUpdatesAsync(_expungeAllowed).ConfigureAwait(false);
        if (Notify is { } notify)
        {
            // RFC 5465 §5: the client's own changes to the mailbox list are not reported back to it.
            await notify.ReportMailboxesAsync(this, ownChange: name is "CREATE" or "DELETE" or "RENAME" or "SUBSCRIBE" or "UNSUBSCRIBE").ConfigureAwait(false);
        }

        Connection.Write(completion);
    }

    private CommandStates StateFlag => State switch
    {
        ImapState.NotAuthenticated => CommandStates.NotAuthenticated,
        ImapState.Authenticated => CommandStates.Authenticated,
        _ => CommandStates.Selected,
    };

    /// <summary>Sends the pending mailbox updates, then "tag OK text".</summary>
    /// <param name="tag">The command's tag.</param>
    /// <param name="text">The text, with its response code if any.</param>
    /// <returns>True: the session goes on.</returns>
    internal bool Ok(string tag, string text) => Complete($"{tag} OK {text}\r\n");

    /// <summary>Sends the pending mailbox updates, then "tag NO text".</summary>
    /// <param name="tag">The command's tag.</param>
    /// <param name="text">The text, with its response code if any.</param>
    /// <returns>True: the session goes on.</returns>
    internal bool No(string tag, string text) => Complete($"{tag} NO {text}\r\n");

    /// <summary>Sends BAD; too many close the connection (before authentication: cross-protocol attacks).</summary>
    /// <param name="tag">The tag, or "*".</param>
    /// <param name="text">The text, with its response code if any.</param>
    /// <returns>Whether the session goes on.</returns>
    internal async ValueTask<bool> BadAsync(string tag, string text)
    {
        Connection.Write($"{tag} BAD {text}\r\n");
        _badCommands++;
        var limit = State == ImapState.NotAuthenticated ? Options.MaxBadCommandsBeforeAuthentication : Options.MaxBadCommands;
        if (_badCommands < limit)
        {
            return true;
        }

        Connection.Write("* BYE Too many invalid commands\r\n"u8);
        await Connection.TryFlushAsync().ConfigureAwait(false);
        return false;
    }

    /// <summary>
    /// Holds EXPUNGE (and VANISHED) responses until a later command: for a command that turns out to name messages
    /// by sequence number (a UID SEARCH with a sequence set, RFC 9051 §5.5).
    /// </summary>
    internal void HoldExpunges() => _expungeAllowed = false;

    /// <summary>
    /// A CONDSTORE enabling command ran (RFC 7162 §3.1): from now on every FETCH about flags carries MODSEQ. The first
    /// one with a mailbox selected reports the mailbox's HIGHESTMODSEQ (or NOMODSEQ).
    /// </summary>
    internal void EnableCondStore()
    {
        if ((Enabled & ImapExtensions.CondStore) != 0)
        {
            return;
        }

        Enabled |= ImapExtensions.CondStore;
        if (Selected is { } selected)
        {
            Connection.Write(selected.ModSeqResponse());
        }
    }

    /// <summary>Forgets the BAD commands counted before authentication.</summary>
    internal void ResetBadCommands() => _badCommands = 0;

    /// <summary>Sends the untagged updates the store's change feed has for the selected mailbox.</summary>
    /// <param name="allowExpunge">Whether EXPUNGE responses may be sent now.</param>
    internal void SendUpdates(bool allowExpunge) => Selected?.Flush(allowExpunge, Enabled, Connection.Write);

    /// <summary>
    /// Sends the untagged updates with the update contexts' ADDTO and REMOVEFROM (RFC 5267 §4.3): removals and flag
    /// changes before EXPUNGE and EXISTS, additions of new messages after their EXISTS.
    /// </summary>
    /// <param name="allowExpunge">Whether EXPUNGE responses may be sent now.</param>
    /// <returns>A task.</returns>
    internal async ValueTask SendUpdatesAsync(bool allowExpunge)
    {
        if (Selected is not { Contexts.Count: > 0 } selected)
        {
            SendUpdates(allowExpunge);
            return;
        }

        selected.Sync();
        var knownUpTo = selected.LargestUid;
        await ContextUpdater.ReportChangesAsync(this).ConfigureAwait(false);
        selected.Flush(allowExpunge, Enabled, Connection.Write, sync: false);
        await ContextUpdater.ReportNewAsync(this, knownUpTo).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends the updates, then the tagged line; with update contexts or NOTIFY active the line waits for
    /// <see cref="DispatchAsync"/>, which sends their reports first (they may need to read the store).
    /// </summary>
    private bool Complete(string line)
    {
        if (Selected is { Contexts.Count: > 0 } || Notify is not null)
        {
            _completion = line;
            return true;
        }

        SendUpdates(_expungeAllowed);
        Connection.Write(line);
        return true;
    }

    /// <summary>Enters the authenticated state (RFC 9051 §3.2): the autologout timer of a logged-in session from now on.</summary>
    internal void Authenticated()
    {
        State = ImapState.Authenticated;
        Connection.IdleTimeout = Options.IdleTimeout;
        Connection.LineTimeout = Options.CommandTimeout;
    }

    /// <summary>Leaves the selected state: the view is closed and the session is authenticated again.</summary>
    /// <returns>A task.</returns>
    internal async ValueTask DeselectAsync()
    {
        if (Selected is { } selected)
        {
            Selected = null;
            await selected.View.DisposeAsync().ConfigureAwait(false);
        }

        State = ImapState.Authenticated;
    }

    /// <summary>
    /// Back to the not-authenticated state (RFC 8437 §3): every state but TLS reset. The selected mailbox is closed
    /// without expunging, NOTIFY and the enabled extensions are forgotten, the account is closed.
    /// </summary>
    /// <returns>A task.</returns>
    internal async ValueTask UnauthenticateAsync()
    {
        if (Notify is { } notify)
        {
            Notify = null;
            await notify.DisposeAsync().ConfigureAwait(false);
        }

        await DeselectAsync().ConfigureAwait(false);
        if (Account is { } account)
        {
            Account = null;
            await account.DisposeAsync().ConfigureAwait(false);
        }

        UserId = string.Empty;
        Enabled = ImapExtensions.None;
        ResetBadCommands();
        State = ImapState.NotAuthenticated;
        Connection.IdleTimeout = Options.PreLoginTimeout;
        Connection.LineTimeout = Options.PreLoginTimeout;
    }

    /// <summary>A mailbox name from the client: modified UTF-7 for IMAP4rev1, UTF-8 once enabled (RFC 6855 §3).</summary>
    /// <param name="token">The argument.</param>
    /// <param name="name">The normalised name.</param>
    /// <returns>Whether the name is valid.</returns>
    internal bool TryMailboxName(ImapToken token, out string name)
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

    /// <summary>A mailbox name as the client reads it.</summary>
    /// <param name="name">The normalised name (UTF-8).</param>
    /// <returns>The quoted or literal name, modified UTF-7 unless UTF-8 is enabled.</returns>
    internal string MailboxString(string name) => ImapFormat.Mailbox(name, Utf8);
}
