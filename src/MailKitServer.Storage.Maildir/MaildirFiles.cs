using System.Globalization;
using System.Text;
using MailKitServer.Runtime;

namespace MailKitServer.Storage.Maildir;

/// <summary>The store's small files: written durably (temporary file, fsync, rename, directory fsync) and lock files.</summary>
internal static class MaildirFiles
{
    /// <summary>
    /// How often and how far apart a lock file held by another process is tried again: 500 × 10 ms, so a writer
    /// waits at most about 5 s for another node or a Dovecot on the same folder before the operation fails.
    /// </summary>
    private const int LockAttempts = 500;

    private static readonly TimeSpan LockRetryDelay = TimeSpan.FromMilliseconds(10);

    /// <summary>Replaces <paramref name="path"/> with <paramref name="content"/> so that a crash leaves the old or the new content, never a mix.</summary>
    public static void WriteDurably(string path, string content)
    {
        var temp = path + ".tmp";
        using (var f = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            f.Write(Encoding.UTF8.GetBytes(content));
            f.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
        NativeFileSystem.SyncDirectory(Path.GetDirectoryName(path)!);
    }

    /// <summary>
    /// Replaces <paramref name="path"/> with what <paramref name="write"/> writes, as <see cref="WriteDurably(string, string)"/>
    /// does, without the content as one string (the index of a large folder).
    /// </summary>
    public static void WriteDurably(string path, Action<Utf8LineWriter> write)
    {
        var temp = path + ".tmp";
        using (var f = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0))
        {
            using var writer = new Utf8LineWriter(f);
            write(writer);
            writer.Flush();
            f.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
        NativeFileSystem.SyncDirectory(Path.GetDirectoryName(path)!);
    }

    /// <summary>The number a file holds, or <see langword="null"/> when it is missing or holds something else.</summary>
    public static uint? ReadNumber(string path) =>
        File.Exists(path) && uint.TryParse(File.ReadAllText(path).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;

    /// <summary>Reads a file holding one 64-bit number, or null when it is missing or not a number.</summary>
    public static ulong? ReadNumber64(string path) =>
        File.Exists(path) && ulong.TryParse(File.ReadAllText(path).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;

    /// <summary>Takes an exclusive lock file (also excludes other processes); dispose the stream to release it.</summary>
    public static async Task<FileStream> AcquireLockAsync(string path, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException ex) when (ex is not DirectoryNotFoundException && attempt < LockAttempts)
            {
                await Task.Delay(LockRetryDelay, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
