using System.Buffers;
using System.Text.Json;

namespace MailKitServer.Smtp.Screening.Greylisting;

/// <summary>
/// Greylisting records in one file (for instance <c>.greylist</c> in a Maildir store's root), so a restart keeps what
/// passed: one JSON record per line, appended as records change, read into memory on first use, where a later line
/// for a key replaces an earlier one. The file is rewritten without expired and replaced records when it holds twice
/// as many lines as live records (and at least 1000 more). A damaged file (a torn last line, lines that are not
/// records, a line longer than 4 KiB) costs only the damaged lines: they are dropped and the file rewritten, never
/// a failed start. One process uses a file at a time; nodes that share greylisting need a shared store instead.
/// </summary>
public sealed class FileGreylistStore : IGreylistStore
{
    private const int MaxLineLength = 4096;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly TimeProvider _time;
    private Dictionary<string, GreylistEntry>? _entries;
    private int _lines;

    /// <summary>Creates a store on a file; the file and its folder are made on the first record.</summary>
    /// <param name="path">The file.</param>
    /// <param name="timeProvider">The clock that says which records expired (the system's by default).</param>
    public FileGreylistStore(string path, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        FilePath = Path.GetFullPath(path);
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The file.</summary>
    public string FilePath { get; }

    /// <summary>How many lines of the file were dropped as damaged when it was read.</summary>
    public int DamagedLines { get; private set; }

    /// <inheritdoc />
    public async ValueTask<GreylistEntry?> FindAsync(string key, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var entries = await LoadAsync(cancellationToken).ConfigureAwait(false);
            return entries.TryGetValue(key, out var entry) ? entry : null;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask SaveAsync(GreylistEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var entries = await LoadAsync(cancellationToken).ConfigureAwait(false);
            entries[entry.Key] = entry;
            if (_lines + 1 > 2 * entries.Count + 1000)
            {
                await RewriteAsync(entries, cancellationToken).ConfigureAwait(false);
                return;
            }

            var line = JsonSerializer.SerializeToUtf8Bytes(entry, GreylistJsonContext.Default.GreylistEntry);
            var file = new FileStream(FilePath, FileMode.Append, FileAccess.Write, FileShare.Read, 4096, FileOptions.Asynchronous);
            await using (file.ConfigureAwait(false))
            {
                await file.WriteAsync(line.Append((byte)'\n').ToArray(), cancellationToken).ConfigureAwait(false);
            }

            _lines++;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async ValueTask<Dictionary<string, GreylistEntry>> LoadAsync(CancellationToken cancellationToken)
    {
        if (_entries is not null)
        {
            return _entries;
        }

        var entries = new Dictionary<string, GreylistEntry>(StringComparer.Ordinal);
        Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
        if (!File.Exists(FilePath))
        {
            _entries = entries;
            return entries;
        }

        var (lines, damaged, endsWithNewline) = await ReadRecordsAsync(entries, cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        foreach (var (key, entry) in entries)
        {
            if (entry.Expires <= now)
            {
                entries.Remove(key);
            }
        }

        _entries = entries;
        _lines = lines;
        DamagedLines = damaged;
        if (damaged > 0 || !endsWithNewline || lines > 2 * entries.Count + 1000)
        {
            await RewriteAsync(entries, cancellationToken).ConfigureAwait(false);
        }

        return entries;
    }

    /// <summary>Reads the file's lines into <paramref name="entries"/>, a later line for a key replacing an earlier one.</summary>
    /// <returns>The lines read, how many of them were damaged, and whether the file ends with a newline.</returns>
    private async ValueTask<(int Lines, int Damaged, bool EndsWithNewline)> ReadRecordsAsync(Dictionary<string, GreylistEntry> entries, CancellationToken cancellationToken)
    {
        var lines = 0;
        var damaged = 0;
        var endsWithNewline = true;
        var file = new FileStream(FilePath, FileMode.Open, FileAccess.Read, FileShare.Read, 65536, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await using (file.ConfigureAwait(false))
        {
            var buffer = ArrayPool<byte>.Shared.Rent(65536);
            var line = new byte[MaxLineLength];
            var length = 0;
            var overlong = false;
            try
            {
                int read;
                while ((read = await file.ReadAsync(buffer.AsMemory(0, 65536), cancellationToken).ConfigureAwait(false)) > 0)
                {
                    for (var i = 0; i < read; i++)
                    {
                        if (buffer[i] != (byte)'\n')
                        {
                            if (length < MaxLineLength)
                            {
                                line[length++] = buffer[i];
                            }
                            else
                            {
                                overlong = true;
                            }

                            continue;
                        }

                        lines++;
                        damaged += !overlong && Parse(line.AsSpan(0, length)) is { } entry ? Keep(entries, entry) : 1;
                        length = 0;
                        overlong = false;
                    }

                    endsWithNewline = buffer[read - 1] == (byte)'\n';
                }

                if (length > 0 || overlong)
                {
                    // A last line without its newline: a write torn by a crash.
                    lines++;
                    damaged++;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        return (lines, damaged, endsWithNewline);
    }

    private static GreylistEntry? Parse(ReadOnlySpan<byte> line)
    {
        try
        {
            return JsonSerializer.Deserialize(line, GreylistJsonContext.Default.GreylistEntry) is { Key: { Length: > 0 } } entry ? entry : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static int Keep(Dictionary<string, GreylistEntry> entries, GreylistEntry entry)
    {
        entries[entry.Key] = entry;
        return 0;
    }

    /// <summary>Writes the live records to a new file and puts it in place of the old one.</summary>
    private async ValueTask RewriteAsync(Dictionary<string, GreylistEntry> entries, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var temporary = FilePath + ".tmp";
        var lines = 0;
        var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 65536, FileOptions.Asynchronous);
        await using (file.ConfigureAwait(false))
        {
            foreach (var (key, entry) in entries)
            {
                if (entry.Expires <= now)
                {
                    entries.Remove(key);
                    continue;
                }

                await file.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(entry, GreylistJsonContext.Default.GreylistEntry), cancellationToken).ConfigureAwait(false);
                file.WriteByte((byte)'\n');
                lines++;
            }

            await file.FlushAsync(cancellationToken).ConfigureAwait(false);
            file.Flush(flushToDisk: true);
        }

        File.Move(temporary, FilePath, overwrite: true);
        _lines = lines;
    }
}
