using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace MailKitServer.Runtime;

/// <summary>The POSIX calls .NET does not expose: fsync of a directory (so a rename is durable), hard links, and renames and deletions relative to an open directory.</summary>
internal static partial class NativeFileSystem
{
    private const int PathOnly = 0x200000 | 0x80000; // O_PATH | O_CLOEXEC on Linux

    /// <summary>O_DIRECTORY: 0x4000 on ARM, 0x10000 elsewhere (0x10000 is O_DIRECT on ARM).</summary>
    private static readonly int DirectoryOnly = RuntimeInformation.ProcessArchitecture is Architecture.Arm or Architecture.Arm64 ? 0x4000 : 0x10000;

    /// <summary>Room for a file name as UTF-8 and its NUL: names are at most 255 octets (NAME_MAX).</summary>
    private const int NameBytes = 1024;

    /// <summary>Makes the entries of a directory durable (after creating or renaming a file in it).</summary>
    /// <param name="path">The directory.</param>
    public static void SyncDirectory(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var fd = Open(path, DirectoryOnly); // O_RDONLY (0) | O_DIRECTORY
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
            throw RenameFailed(from, to);
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

    /// <summary>
    /// Opens a directory to name files relative to it (<see cref="RenameAt"/>, <see cref="TryUnlinkAt"/>): O_PATH |
    /// O_DIRECTORY, so no read permission is needed and nothing is read. Null where not Linux or when it cannot be opened
    /// (the caller then names files by their whole paths, and meets the same error there).
    /// </summary>
    /// <param name="path">The directory.</param>
    /// <returns>The handle, or null.</returns>
    public static SafeFileHandle? OpenDirectoryHandle(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        var fd = Open(path, PathOnly | DirectoryOnly);
        return fd < 0 ? null : new SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary>
    /// Renames a file between two directories opened with <see cref="OpenDirectoryHandle"/>, replacing the target: one
    /// <c>renameat(2)</c> with the two names only. A STORE over 20,000 messages renames 20,000 files; with whole paths
    /// the kernel walked every component of both paths again for each (issue 24). Linux only.
    /// </summary>
    /// <param name="fromDirectory">The directory of the file.</param>
    /// <param name="from">The file's name in it (no directory part).</param>
    /// <param name="toDirectory">The directory to move it to (the same or another in the same file system).</param>
    /// <param name="to">Its new name there.</param>
    /// <exception cref="FileNotFoundException">The file is not there.</exception>
    /// <exception cref="IOException">The rename failed otherwise.</exception>
    public static void RenameAt(SafeFileHandle fromDirectory, ReadOnlySpan<char> from, SafeFileHandle toDirectory, ReadOnlySpan<char> to)
    {
        Span<byte> fromName = stackalloc byte[NameBytes];
        Span<byte> toName = stackalloc byte[NameBytes];
        if (!TryCString(from, fromName, out var fromLength) || !TryCString(to, toName, out var toLength))
        {
            throw new IOException($"Cannot rename {from} to {to}: a name is too long.");
        }

        if (RenameAtCore(fromDirectory, fromName[..fromLength], toDirectory, toName[..toLength]) != 0)
        {
            throw RenameFailed(from, to);
        }
    }

    /// <summary>The exception for a failed rename(2)/renameat(2), from its errno: the file not there, or another failure.</summary>
    private static IOException RenameFailed(ReadOnlySpan<char> from, ReadOnlySpan<char> to)
    {
        var errno = Marshal.GetLastPInvokeError();
        return errno == NoSuchEntry
            ? new FileNotFoundException($"Cannot rename {from} to {to}: no such file or directory.", from.ToString())
            : new IOException($"Cannot rename {from} to {to} (errno {errno}).");
    }

    /// <summary>Deletes a file of a directory opened with <see cref="OpenDirectoryHandle"/>: one <c>unlinkat(2)</c>, as <see cref="TryDelete"/> does with a whole path. Linux only.</summary>
    /// <param name="directory">The directory.</param>
    /// <param name="name">The file's name in it (no directory part).</param>
    /// <returns>Whether the file was deleted; false when it was not there or could not be deleted.</returns>
    public static bool TryUnlinkAt(SafeFileHandle directory, ReadOnlySpan<char> name)
    {
        Span<byte> bytes = stackalloc byte[NameBytes];
        return TryCString(name, bytes, out var length) && UnlinkAtCore(directory, bytes[..length], 0) == 0;
    }

    /// <summary>A name as a NUL-terminated UTF-8 string in <paramref name="buffer"/>; false when it does not fit (no file system takes such a name).</summary>
    private static bool TryCString(ReadOnlySpan<char> name, Span<byte> buffer, out int length)
    {
        if (!Encoding.UTF8.TryGetBytes(name, buffer[..^1], out var written))
        {
            length = 0;
            return false;
        }

        buffer[written] = 0;
        length = written + 1;
        return true;
    }

    private const int NoSuchEntry = 2; // ENOENT

    [LibraryImport("libc", EntryPoint = "rename", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int RenameCore(string from, string to);

    [LibraryImport("libc", EntryPoint = "unlink", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Unlink(string path);

    [LibraryImport("libc", EntryPoint = "renameat", SetLastError = true)]
    private static partial int RenameAtCore(SafeFileHandle fromDirectory, ReadOnlySpan<byte> from, SafeFileHandle toDirectory, ReadOnlySpan<byte> to);

    [LibraryImport("libc", EntryPoint = "unlinkat", SetLastError = true)]
    private static partial int UnlinkAtCore(SafeFileHandle directory, ReadOnlySpan<byte> name, int flags);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Link(string existing, string link);
}
