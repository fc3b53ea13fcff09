using System.Runtime.InteropServices;
using System.Text;

namespace MailKitServer.Storage.Maildir;

/// <summary>
/// Linux inotify(7) read by the store itself: one instance, a watch per watched directory (<c>new/</c> and <c>cur/</c>
/// of each open folder), and one thread that hands each event's name to a callback as octets, no string made.
/// Used instead of <see cref="FileSystemWatcher"/>, which made strings and event objects for every event and woke its
/// thread for nearly each one: a STORE renaming 20,000 files makes 40,000 events, and with the watcher running the
/// STORE took about a third more CPU than with none (issue 24). After a wake-up the thread lets a burst gather for
/// <see cref="Gather"/> before it reads, so a read brings many events.
/// </summary>
internal sealed partial class InotifyReader : IDisposable
{
    /// <summary>A file was created in the directory (IN_CREATE).</summary>
    public const uint Created = 0x100;

    /// <summary>A file was deleted from the directory (IN_DELETE).</summary>
    public const uint Deleted = 0x200;

    /// <summary>A file was renamed away from the directory (IN_MOVED_FROM).</summary>
    public const uint MovedFrom = 0x40;

    /// <summary>A file was renamed into the directory (IN_MOVED_TO).</summary>
    public const uint MovedTo = 0x80;

    /// <summary>The watched directory itself was deleted (IN_DELETE_SELF).</summary>
    public const uint DeletedSelf = 0x400;

    /// <summary>The watched directory itself was moved (IN_MOVE_SELF).</summary>
    public const uint MovedSelf = 0x800;

    /// <summary>Events were lost: the kernel's queue overflowed (IN_Q_OVERFLOW, watch descriptor -1).</summary>
    public const uint Overflow = 0x4000;

    /// <summary>The watch is gone (IN_IGNORED: removed, or its directory deleted).</summary>
    public const uint Ignored = 0x8000;

    private const uint OnlyDirectory = 0x01000000;
    private const uint DoNotFollow = 0x02000000;
    private const uint Mask = Created | Deleted | MovedFrom | MovedTo | DeletedSelf | MovedSelf | OnlyDirectory | DoNotFollow;
    private const int NonBlocking = 0x800;   // IN_NONBLOCK = O_NONBLOCK, EFD_NONBLOCK
    private const int CloseOnExec = 0x80000; // IN_CLOEXEC = O_CLOEXEC, EFD_CLOEXEC
    private const short PollIn = 1;
    private const int Interrupted = 4;       // EINTR
    private const int HeaderSize = 16;       // struct inotify_event: wd, mask, cookie, len

    private static readonly TimeSpan Gather = TimeSpan.FromMilliseconds(2);

    private readonly int _fd;
    private readonly int _stop;
    private readonly Action<int, uint, ReadOnlySpan<byte>> _onEvent;
    private readonly Thread _thread;
    private int _disposed;

    private InotifyReader(int fd, int stop, Action<int, uint, ReadOnlySpan<byte>> onEvent)
    {
        _fd = fd;
        _stop = stop;
        _onEvent = onEvent;
        _thread = new Thread(Run) { IsBackground = true, Name = "Maildir inotify" };
        _thread.Start();
    }

    /// <summary>An inotify instance with its reading thread, or null where there is none (not Linux, or the limit of instances reached).</summary>
    /// <param name="onEvent">Called on the reading thread with each event: watch descriptor, mask and name (empty for the directory itself).</param>
    /// <param name="error">Why there is none, when there is none.</param>
    /// <returns>The reader, or null.</returns>
    public static InotifyReader? TryCreate(Action<int, uint, ReadOnlySpan<byte>> onEvent, out string? error)
    {
        error = null;
        if (!OperatingSystem.IsLinux())
        {
            error = "inotify is Linux's";
            return null;
        }

        var fd = InotifyInit(NonBlocking | CloseOnExec);
        if (fd < 0)
        {
            error = $"inotify_init1 failed (errno {Marshal.GetLastPInvokeError()})";
            return null;
        }

        var stop = EventFd(0, NonBlocking | CloseOnExec);
        if (stop < 0)
        {
            error = $"eventfd failed (errno {Marshal.GetLastPInvokeError()})";
            _ = Close(fd);
            return null;
        }

        return new InotifyReader(fd, stop, onEvent);
    }

    /// <summary>Watches a directory's entries being created, deleted and renamed.</summary>
    /// <param name="directory">The directory.</param>
    /// <param name="errno">Why not, when not (ENOENT: not there; ENOSPC: the limit of watches reached).</param>
    /// <returns>The watch descriptor, or -1.</returns>
    public int Add(string directory, out int errno)
    {
        var wd = AddWatch(_fd, directory, Mask);
        errno = wd < 0 ? Marshal.GetLastPInvokeError() : 0;
        return wd;
    }

    /// <summary>Stops a watch (an event about it may still come, then <see cref="Ignored"/>).</summary>
    /// <param name="wd">The watch descriptor.</param>
    public void Remove(int wd) => _ = RemoveWatch(_fd, wd);

    /// <summary>
    /// Tells the thread to stop; it closes the instance as it ends. Not waited for (the caller may hold a lock an event
    /// being handled needs): an event read before may still be handed on.
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        ulong one = 1;
        unsafe
        {
            _ = Write(_stop, &one, sizeof(ulong));
        }
    }

    private unsafe void Run()
    {
        var buffer = new byte[256 * 1024];
        var fds = stackalloc PollFd[2];
        try
        {
            while (Volatile.Read(ref _disposed) == 0)
            {
                fds[0] = new PollFd { Fd = _fd, Events = PollIn };
                fds[1] = new PollFd { Fd = _stop, Events = PollIn };
                if (Poll(fds, 2, -1) < 0 || fds[1].Revents != 0 || Volatile.Read(ref _disposed) == 1)
                {
                    // Interrupted (poll again), or stopping (the loop ends).
                    continue;
                }

                // A burst (a STORE, an EXPUNGE, a delivery run) gathers a moment; then reads take what is queued.
                Thread.Sleep(Gather);
                while (ReadEvents(buffer) > buffer.Length / 2)
                {
                }
            }
        }
        finally
        {
            _ = Close(_fd);
            _ = Close(_stop);
        }
    }

    /// <summary>One read of the events queued, each handed to the callback; the octets read (0 when none were).</summary>
    private unsafe int ReadEvents(byte[] buffer)
    {
        nint read;
        fixed (byte* start = buffer)
        {
            read = Read(_fd, start, buffer.Length);
        }

        if (read <= 0)
        {
            // EAGAIN: drained. EINTR: read again. Anything else: the instance is closing.
            return read < 0 && Marshal.GetLastPInvokeError() == Interrupted ? buffer.Length : 0;
        }

        var events = buffer.AsSpan(0, (int)read);
        while (events.Length >= HeaderSize)
        {
            var wd = MemoryMarshal.Read<int>(events);
            var mask = MemoryMarshal.Read<uint>(events[4..]);
            var length = MemoryMarshal.Read<int>(events[12..]);
            var name = events.Slice(HeaderSize, length);
            var nul = name.IndexOf((byte)0);
            _onEvent(wd, mask, nul < 0 ? name : name[..nul]);
            events = events[(HeaderSize + length)..];
        }

        return (int)read;
    }

    /// <summary>The name of an event as text (file names are UTF-8 here; other octets become U+FFFD and match no name of ours).</summary>
    /// <param name="name">The octets.</param>
    /// <param name="chars">Room for at least as many characters as octets.</param>
    /// <returns>The characters written.</returns>
    public static int Decode(ReadOnlySpan<byte> name, Span<char> chars) => Encoding.UTF8.GetChars(name, chars);

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [LibraryImport("libc", EntryPoint = "inotify_init1", SetLastError = true)]
    private static partial int InotifyInit(int flags);

    [LibraryImport("libc", EntryPoint = "inotify_add_watch", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int AddWatch(int fd, string path, uint mask);

    [LibraryImport("libc", EntryPoint = "inotify_rm_watch", SetLastError = true)]
    private static partial int RemoveWatch(int fd, int wd);

    [LibraryImport("libc", EntryPoint = "eventfd", SetLastError = true)]
    private static partial int EventFd(uint initial, int flags);

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    private static unsafe partial int Poll(PollFd* fds, nuint count, int timeout);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static unsafe partial nint Read(int fd, byte* buffer, nint count);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    private static unsafe partial nint Write(int fd, void* buffer, nint count);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
