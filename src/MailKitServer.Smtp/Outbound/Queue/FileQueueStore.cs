using System.Text.Json;
using MailKitServer.Runtime;

namespace MailKitServer.Smtp.Outbound.Queue;

/// <summary>
/// A queue store in a directory: <c>ID.eml</c> holds the content, <c>ID.json</c> the envelope and state. Each is
/// written to a temporary name, flushed to disk and renamed, and the directory is flushed (as Maildir delivery is),
/// so an entry is either whole or absent after a crash; content without an entry file is removed at load.
/// </summary>
public sealed class FileQueueStore : IQueueStore
{
    private readonly string _directory;

    /// <summary>Creates the store, and the directory if needed.</summary>
    /// <param name="directory">The folder for this queue alone (two files per entry); created when missing.</param>
    public FileQueueStore(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        _directory = Path.GetFullPath(directory);
        Directory.CreateDirectory(_directory);
    }

    /// <summary>The directory.</summary>
    public string DirectoryPath => _directory;

    /// <inheritdoc />
    public async ValueTask<long> AddAsync(QueuedMessage message, Stream content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(content);
        var path = ContentPath(message.Id);
        var temp = path + ".tmp";
        long size;
        await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 65536, FileOptions.Asynchronous))
        {
            await content.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
            size = file.Length;
            file.Flush(flushToDisk: true);
        }

        File.Move(temp, path);
        message.Size = size;
        await UpdateAsync(message, cancellationToken).ConfigureAwait(false);
        return size;
    }

    /// <inheritdoc />
    public async ValueTask UpdateAsync(QueuedMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var path = StatePath(message.Id);
        var temp = path + ".tmp";
        await using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous))
        {
            await JsonSerializer.SerializeAsync(file, message, QueueJsonContext.Default.QueuedMessage, cancellationToken).ConfigureAwait(false);
            file.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
        NativeFileSystem.SyncDirectory(_directory);
    }

    /// <inheritdoc />
    public ValueTask<Stream?> OpenContentAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            return ValueTask.FromResult<Stream?>(new FileStream(ContentPath(id), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 65536, FileOptions.Asynchronous | FileOptions.SequentialScan));
        }
        catch (FileNotFoundException)
        {
            return ValueTask.FromResult<Stream?>(null);
        }
    }

    /// <inheritdoc />
    public ValueTask RemoveAsync(string id, CancellationToken cancellationToken)
    {
        // The state file goes first: content without state is cleaned up at load.
        File.Delete(StatePath(id));
        File.Delete(ContentPath(id));
        NativeFileSystem.SyncDirectory(_directory);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<QueuedMessage>> LoadAsync(CancellationToken cancellationToken)
    {
        var result = new List<QueuedMessage>();
        foreach (var temp in Directory.EnumerateFiles(_directory, "*.tmp"))
        {
            File.Delete(temp);
        }

        foreach (var state in Directory.EnumerateFiles(_directory, "*.json"))
        {
            var id = Path.GetFileNameWithoutExtension(state);
            if (!File.Exists(ContentPath(id)))
            {
                File.Delete(state);
                continue;
            }

            if (await ReadStateAsync(state, cancellationToken).ConfigureAwait(false) is { } message)
            {
                result.Add(message);
            }
        }

        foreach (var content in Directory.EnumerateFiles(_directory, "*.eml"))
        {
            if (!File.Exists(StatePath(Path.GetFileNameWithoutExtension(content))))
            {
                File.Delete(content);
            }
        }

        return result;
    }

    /// <summary>
    /// Reads the entries without changing anything (no clean-up of partial files), so another process (a
    /// <c>mailq</c>-like listing) can look while a server runs on the same directory.
    /// </summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The entries whose state file could be read, oldest first.</returns>
    public async ValueTask<IReadOnlyList<QueuedMessage>> PeekAsync(CancellationToken cancellationToken = default)
    {
        var result = new List<QueuedMessage>();
        foreach (var state in Directory.EnumerateFiles(_directory, "*.json"))
        {
            try
            {
                if (await ReadStateAsync(state, cancellationToken).ConfigureAwait(false) is { } message)
                {
                    result.Add(message);
                }
            }
            catch (Exception ex) when (ex is IOException or JsonException)
            {
                // Removed or being replaced meanwhile: the next listing shows it.
            }
        }

        return result.OrderBy(m => m.ArrivedAt).ToList();
    }

    private static async ValueTask<QueuedMessage?> ReadStateAsync(string path, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        return await JsonSerializer.DeserializeAsync(file, QueueJsonContext.Default.QueuedMessage, cancellationToken).ConfigureAwait(false);
    }

    private string ContentPath(string id) => Path.Combine(_directory, SafeId(id) + ".eml");

    private string StatePath(string id) => Path.Combine(_directory, SafeId(id) + ".json");

    private static string SafeId(string id) =>
        id.Length > 0 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_') ? id : throw new ArgumentException($"Invalid queue id '{id}'.", nameof(id));
}
