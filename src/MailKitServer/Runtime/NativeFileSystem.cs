using System.Runtime.InteropServices;

namespace MailKitServer.Runtime;

/// <summary>The POSIX calls .NET does not expose: fsync of a directory (so a rename is durable) and hard links.</summary>
internal static partial class NativeFileSystem
{
    private const int ReadOnlyDirectory = 0x10000; // O_RDONLY | O_DIRECTORY on Linux

    /// <summary>Makes the entries of a directory durable (after creating or renaming a file in it).</summary>
    /// <param name="path">The directory.</param>
    public static void SyncDirectory(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var fd = Open(path, ReadOnlyDirectory);
        if (fd < 0)
        {
            throw new IOException($"Cannot open directory {path} to sync it (errno {Marshal.GetLastPInvokeError()}).");
        }

        try
        {
            if (Fsync(fd) != 0)
            {
                throw new IOException($"fsync of {path} failed (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    /// <summary>Creates a hard link, or copies when the file system cannot link.</summary>
    /// <param name="existing">The existing file.</param>
    /// <param name="link">The new name.</param>
    public static void LinkOrCopy(string existing, string link)
    {
        if (OperatingSystem.IsLinux() && Link(existing, link) == 0)
        {
            return;
        }

        File.Copy(existing, link);
        using var f = new FileStream(link, FileMode.Open, FileAccess.ReadWrite);
        f.Flush(flushToDisk: true);
    }

    /// <summary>
    /// Renames a file, replacing the target: one <c>rename(2)</c>. <see cref="File.Move(string, string, bool)"/> looks at
    /// the source first (an lstat) and normalises both paths; a STORE renames every message it changes (issue 24).
    /// </summary>
    /// <param name="from">The file's path.</param>
    /// <param name="to">Its new path (in the same file system).</param>
    /// <exception cref="FileNotFoundException">The file, or the target's directory, is not there.</exception>
    /// <exception cref="IOException">The rename failed otherwise.</exception>
    public static void Rename(string from, string to)
    {
        if (!OperatingSystem.IsLinux())
        {
            File.Move(from, to, overwrite: true);
            return;
        }

        if (RenameCore(from, to) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw errno == NoSuchEntry
                ? new FileNotFoundException($"Cannot rename {from} to {to}: no such file or directory.", from)
                : new IOException($"Cannot rename {from} to {to} (errno {errno}).");
        }
    }

    /// <summary>
    /// Deletes a file: one <c>unlink(2)</c>. Unlike <see cref="File.Delete(string)"/> it says whether there was a file to
    /// delete (a caller that told a watcher to expect the deletion takes that back when it did not happen).
    /// </summary>
    /// <param name="path">The file.</param>
    /// <returns>Whether the file was deleted; false when it was not there or could not be deleted.</returns>
    public static bool TryDelete(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            try
            {
                if (!File.Exists(path))
                {
                    return false;
                }

                File.Delete(path);
                return true;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return false;
            }
        }

        return Unlink(path) == 0;
    }

    private const int NoSuchEntry = 2; // ENOENT

    [LibraryImport("libc", EntryPoint = "rename", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int RenameCore(string from, string to);

    [LibraryImport("libc", EntryPoint = "unlink", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Unlink(string path);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Link(string existing, string link);
}
