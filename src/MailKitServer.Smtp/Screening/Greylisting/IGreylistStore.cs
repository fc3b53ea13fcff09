namespace MailKitServer.Smtp.Screening.Greylisting;

/// <summary>
/// Where greylisting keeps its records, so that a restart (or another node sharing the store) does not greylist again
/// what already passed. Records carry their expiry; a store may drop expired ones whenever it likes. A store that
/// fails (throws) lets the mail through: greylisting is a filter, not a gate that may lose mail.
/// </summary>
public interface IGreylistStore
{
    /// <summary>Finds a record by key.</summary>
    /// <param name="key">A record's <see cref="GreylistEntry.Key"/>, compared ordinally.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>The record, or <see langword="null"/> when there is none (or it expired and was dropped).</returns>
    ValueTask<GreylistEntry?> FindAsync(string key, CancellationToken cancellationToken);

    /// <summary>Adds or replaces the record with the entry's key.</summary>
    /// <param name="entry">The record.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>When the record is kept.</returns>
    ValueTask SaveAsync(GreylistEntry entry, CancellationToken cancellationToken);
}
