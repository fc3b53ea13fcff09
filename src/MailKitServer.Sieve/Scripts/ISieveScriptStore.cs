namespace MailKitServer.Sieve.Scripts;

/// <summary>
/// Where users' Sieve scripts live (the seam ManageSieve writes through and delivery reads from), with the global
/// scripts that <c>include :global</c> names and the vacation reply records (RFC 5230 §4.2: once per sender per
/// period, persisted). Script names are validated by the caller (RFC 5804 §1.6); implementations must be safe for
/// concurrent use.
/// </summary>
public interface ISieveScriptStore
{
    /// <summary>Lists a user's scripts.</summary>
    /// <param name="userId">The user id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The scripts, at most one of them active.</returns>
    ValueTask<IReadOnlyList<SieveScriptInfo>> ListAsync(string userId, CancellationToken cancellationToken);

    /// <summary>Reads one of a user's scripts.</summary>
    /// <param name="userId">The user id.</param>
    /// <param name="name">The script name.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The script's text, or <see langword="null"/> when there is no such script.</returns>
    ValueTask<string?> GetAsync(string userId, string name, CancellationToken cancellationToken);

    /// <summary>Stores a script (replacing one of the same name, active or not); durable when it returns.</summary>
    /// <param name="userId">The user id.</param>
    /// <param name="name">The script name.</param>
    /// <param name="content">The script's text (already checked).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the script is stored.</returns>
    ValueTask PutAsync(string userId, string name, string content, CancellationToken cancellationToken);

    /// <summary>Deletes a script.</summary>
    /// <param name="userId">The user id.</param>
    /// <param name="name">The script name.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>Whether it existed.</returns>
    ValueTask<bool> DeleteAsync(string userId, string name, CancellationToken cancellationToken);

    /// <summary>Renames a script, keeping it active if it was.</summary>
    /// <param name="userId">The user id.</param>
    /// <param name="oldName">The current name.</param>
    /// <param name="newName">The new name (no script of that name exists).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>Whether the script existed and was renamed.</returns>
    ValueTask<bool> RenameAsync(string userId, string oldName, string newName, CancellationToken cancellationToken);

    /// <summary>Makes a script the active one, or deactivates every script.</summary>
    /// <param name="userId">The user id.</param>
    /// <param name="name">The script name, or <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>Whether the script exists (always true for <see langword="null"/>).</returns>
    ValueTask<bool> SetActiveAsync(string userId, string? name, CancellationToken cancellationToken);

    /// <summary>Reads a global script (RFC 6609 <c>include :global</c>).</summary>
    /// <param name="name">The script name.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The script's text, or <see langword="null"/>.</returns>
    ValueTask<string?> GetGlobalAsync(string name, CancellationToken cancellationToken);

    /// <summary>
    /// Records that a vacation reply is sent for <paramref name="key"/> (sender and handle), unless one was sent within
    /// <paramref name="period"/> before <paramref name="now"/>.
    /// </summary>
    /// <param name="userId">The user id.</param>
    /// <param name="key">The reply's key (a hash of the sender and the handle).</param>
    /// <param name="now">The time of this delivery.</param>
    /// <param name="period">The vacation's period.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>Whether a reply may be sent now (and is recorded).</returns>
    ValueTask<bool> TryRecordReplyAsync(string userId, string key, DateTimeOffset now, TimeSpan period, CancellationToken cancellationToken);
}
