using MailKitServer.Imap.Session;

namespace MailKitServer.Imap.Commands;

/// <summary>
/// One IMAP command. Commands are stateless singletons kept in <see cref="ImapCommandTable"/>; everything a command
/// works on is the <see cref="ImapSession"/> it is given. The session checks the state and the UID prefix before it
/// calls <see cref="ExecuteAsync"/>, and sends the mailbox updates the protocol allows before the tagged reply.
/// </summary>
/// <param name="name">The command name, upper case.</param>
/// <param name="states">The states in which the command is valid.</param>
internal abstract class ImapCommand(string name, CommandStates states)
{
    /// <summary>The command name, upper case.</summary>
    public string Name { get; } = name;

    /// <summary>The states in which the command is valid.</summary>
    public CommandStates States { get; } = states;

    /// <summary>Whether "UID name" is a command (RFC 9051 §6.4.9: COPY, MOVE, FETCH, SEARCH, STORE, EXPUNGE).</summary>
    public virtual bool HasUidForm => false;

    /// <summary>
    /// Whether the command, sent without UID, names messages or answers by sequence number, so that it is refused
    /// once UIDONLY is enabled (RFC 9586 §3: FETCH, STORE, SEARCH, COPY, MOVE, REPLACE; SORT and THREAD answer with
    /// sequence numbers, which UIDONLY never sends). EXPUNGE has a UID form but no numbers.
    /// </summary>
    public virtual bool NamesBySequence => HasUidForm;

    /// <summary>
    /// Whether the command, sent without UID, names messages by sequence number, so that no EXPUNGE response may be
    /// sent while it runs (RFC 3501 §7.4.1, RFC 9051 §7.5.1: FETCH, STORE, SEARCH).
    /// </summary>
    public virtual bool HoldsExpunges => false;

    /// <summary>Runs the command and writes its responses, the tagged one included.</summary>
    /// <param name="session">The session; the command may change its state (selected mailbox, authentication).</param>
    /// <param name="request">The command.</param>
    /// <returns>Whether the session goes on (false: the connection is closed after flushing).</returns>
    public abstract ValueTask<bool> ExecuteAsync(ImapSession session, ImapRequest request);
}
