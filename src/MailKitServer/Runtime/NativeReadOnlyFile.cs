using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace MailKitServer.Runtime;

/// <summary>
/// A file opened with <c>open(2)</c> and read with <c>pread(2)</c>, nothing else (Linux). <see cref="File.OpenHandle"/>
/// also looks at the file (<c>fstat</c>, to refuse a directory) and takes an advisory lock that it releases again before
/// closing (<c>flock</c> twice, its FileShare emulation): three system calls more per file, for each of the 20,000
/// files a first <c>FETCH 1:* (ENVELOPE)</c> or <c>SEARCH TEXT</c> of a large Maildir opens (issue 24). Readers here
/// only read: nobody relies on those locks. Files are opened with <c>O_NOATIME</c> where the process may (it owns
/// them, or has CAP_FOWNER): a server reading its own messages has no reader to tell about, and under the usual
/// <c>relatime</c> the first read of each file would dirty its inode (ext4: a journalled inode update per file, 4% of a
/// first FETCH 1:* ENVELOPE's samples over 20,000 files). The first open the kernel refuses that flag for turns it off
/// for the process.
/// </summary>
internal sealed unsafe partial class NativeReadOnlyFile : SafeHandleMinusOneIsInvalid
{
    private const int ReadOnlyCloseOnExec = 0x80000; // O_RDONLY | O_CLOEXEC on Linux
    private const int NoSuchEntry = 2; // ENOENT
    private const int Interrupted = 4; // EINTR
    private const int NotADirectory = 20; // ENOTDIR
    private const int NotPermitted = 1; // EPERM: O_NOATIME on a file of another owner
    private const int NoAccessTime = 0x40000; // O_NOATIME on x64 and ARM64 (asm-generic 01000000)

    /// <summary>Whether O_NOATIME is still asked for (architectures whose value is known, until refused once).</summary>
    private static volatile bool s_noAccessTime = RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.Arm64;

    private NativeReadOnlyFile()
        : base(ownsHandle: true)
    {
    }

    /// <summary>Opens a file for reading; <see langword="null"/> when it (or a directory on its path) is not there.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The open file, or null.</returns>
    /// <exception cref="PlatformNotSupportedException">Not on Linux.</exception>
    /// <exception cref="IOException">The open failed otherwise (permissions, too many open files).</exception>
    public static NativeReadOnlyFile? TryOpen(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("open(2) flags are Linux's here.");
        }

        var noAccessTime = s_noAccessTime;
        var fd = OpenRetrying(path, noAccessTime ? ReadOnlyCloseOnExec | NoAccessTime : ReadOnlyCloseOnExec, out var errno);
        if (fd < 0 && noAccessTime && errno == NotPermitted)
        {
            s_noAccessTime = false;
            fd = OpenRetrying(path, ReadOnlyCloseOnExec, out errno);
        }

        if (fd < 0)
        {
            return errno is NoSuchEntry or NotADirectory ? null : throw new IOException($"Cannot open {path} (errno {errno}).");
        }

        var file = new NativeReadOnlyFile();
        file.SetHandle(fd);
        return file;
    }

    /// <summary>Reads up to <paramref name="buffer"/>'s length from <paramref name="offset"/>; 0 at or past the end.</summary>
    /// <param name="buffer">Where the octets go.</param>
    /// <param name="offset">Where in the file they start.</param>
    /// <returns>How many were read.</returns>
    public int Read(Span<byte> buffer, long offset)
    {
        var added = false;
        DangerousAddRef(ref added);
        try
        {
            fixed (byte* p = buffer)
            {
                while (true)
                {
                    var n = Pread((int)handle, p, buffer.Length, offset);
                    if (n >= 0)
                    {
                        return (int)n;
                    }

                    var errno = Marshal.GetLastPInvokeError();
                    if (errno != Interrupted)
                    {
                        throw new IOException($"pread failed (errno {errno}).");
                    }
                }
            }
        }
        finally
        {
            if (added)
            {
                DangerousRelease();
            }
        }
    }

    private static int OpenRetrying(string path, int flags, out int errno)
    {
        int fd;
        do
        {
            fd = Open(path, flags);
            errno = fd < 0 ? Marshal.GetLastPInvokeError() : 0;
        }
        while (fd < 0 && errno == Interrupted);

        return fd;
    }

    protected override bool ReleaseHandle() => Close((int)handle) == 0;

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "pread", SetLastError = true)]
    private static partial nint Pread(int fd, byte* buffer, nint count, long offset);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
