using MailKitServer.Storage.Metadata;

namespace MailKitServer.Storage.Maildir;

/// <summary>
/// Annotations (RFC 5464) on disk: a mailbox's in <c>mailkitserver.metadata</c> inside its folder's directory (so a
/// RENAME moves them and a DELETE removes them with the folder; Dovecot ignores the file), the server's in the same
/// file name at the store's root. Each is replaced whole and durably on every change; one gate for the process
/// orders the read-change-write of every such file.
/// </summary>
internal static class MaildirMetadataFiles
{
    /// <summary>The file's name.</summary>
    public const string FileName = "mailkitserver.metadata";

    private static readonly SemaphoreSlim Gate = new(1, 1);

    /// <summary>The table kept in a directory (empty when there is no file).</summary>
    /// <param name="directory">The folder's directory, or the store's root.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The table.</returns>
    public static async Task<MetadataTable> ReadAsync(string directory, CancellationToken cancellationToken)
    {
        await Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return Read(directory);
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>Applies changes to the table kept in a directory and writes it back durably.</summary>
    /// <param name="directory">The folder's directory, or the store's root.</param>
    /// <param name="change">Edits the table read from the directory; what it leaves is written.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task.</returns>
    public static async Task UpdateAsync(string directory, Action<MetadataTable> change, CancellationToken cancellationToken)
    {
        await Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var table = Read(directory);
            change(table);
            MaildirFiles.WriteDurably(Path.Combine(directory, FileName), table.Serialize());
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>Copies the annotations kept in one directory to another (RENAME of INBOX).</summary>
    /// <param name="from">The source directory.</param>
    /// <param name="to">The target directory (whose own annotations are replaced).</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task.</returns>
    public static async Task CopyAsync(string from, string to, CancellationToken cancellationToken)
    {
        await Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var table = Read(from);
            if (!table.IsEmpty)
            {
                MaildirFiles.WriteDurably(Path.Combine(to, FileName), table.Serialize());
            }
        }
        finally
        {
            Gate.Release();
        }
    }

    private static MetadataTable Read(string directory)
    {
        var path = Path.Combine(directory, FileName);
        return File.Exists(path) ? MetadataTable.Parse(File.ReadAllText(path)) : new MetadataTable();
    }
}
