namespace MailKitServer.Imap;

/// <summary>
/// Learns from what users file: set <see cref="ImapOptions.JunkTrainer"/> and the IMAP engine calls it when a user
/// copies or moves messages into the mailbox with the \Junk special use (RFC 6154) from another one (spam), or out
/// of it into one that is not \Trash (ham) — the way rspamd's or SpamAssassin's Bayes training is fed from a mail
/// server. The call comes after the COPY or MOVE succeeded and before its reply; a trainer that fails is logged and
/// does not fail the command. Keep it quick (queue the work) or the client waits.
/// </summary>
public interface IJunkTrainer
{
    /// <summary>A message the user filed as spam.</summary>
    /// <param name="userId">The user.</param>
    /// <param name="message">The message as stored; read it to its end or not, it is disposed after the call.</param>
    /// <param name="cancellationToken">Cancelled when the session ends.</param>
    /// <returns>A task that completes once the message is learned (or queued).</returns>
    ValueTask LearnSpamAsync(string userId, Stream message, CancellationToken cancellationToken);

    /// <summary>A message the user took out of the junk mailbox.</summary>
    /// <param name="userId">The user.</param>
    /// <param name="message">The message as stored; read it to its end or not, it is disposed after the call.</param>
    /// <param name="cancellationToken">Cancelled when the session ends.</param>
    /// <returns>A task that completes once the message is learned (or queued).</returns>
    ValueTask LearnHamAsync(string userId, Stream message, CancellationToken cancellationToken);
}
