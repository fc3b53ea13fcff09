using System.Runtime.InteropServices;

namespace MailKitServer.Runtime;

/// <summary>Whether two names are one file (hard links of one inode): <c>statx(2)</c>, whose record is the same on every Linux architecture.</summary>
internal static partial class NativeFileSystem
{
    private const int CurrentDirectory = -100; // AT_FDCWD
    private const int DoNotFollow = 0x100; // AT_SYMLINK_NOFOLLOW
    private const uint InodeWanted = 0x100; // STATX_INO; the device is always filled in
    private const int StatxSize = 256;
    private const int InodeOffset = 32; // stx_ino
    private const int DeviceMajorOffset = 136; // stx_dev_major, then stx_dev_minor

    /// <summary>
    /// Whether <paramref name="first"/> and <paramref name="second"/> are names of one file (same device and inode).
    /// False when either is not there, or where this cannot be told (not Linux).
    /// </summary>
    /// <param name="first">A path.</param>
    /// <param name="second">Another path.</param>
    public static bool SameFile(string first, string second) =>
        OperatingSystem.IsLinux() && Identity(first) is { } a && Identity(second) is { } b && a == b;

    private static (ulong Device, ulong Inode)? Identity(string path)
    {
        Span<byte> buffer = stackalloc byte[StatxSize];
        if (Statx(CurrentDirectory, path, DoNotFollow, InodeWanted, buffer) != 0)
        {
            return null;
        }

        return (MemoryMarshal.Read<ulong>(buffer[DeviceMajorOffset..]), MemoryMarshal.Read<ulong>(buffer[InodeOffset..]));
    }

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int directory, string path, int flags, uint mask, Span<byte> buffer);
}
