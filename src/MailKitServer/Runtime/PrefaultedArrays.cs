using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace MailKitServer.Runtime;

/// <summary>
/// Byte arrays that will be written whole at once and kept (a stored message in the in-memory store), on the pinned
/// object heap, with their memory faulted in by one system call instead of one page fault per 4 KiB page as the copy
/// first touches it. Kept arrays are fresh memory every time, and on a virtual machine every page fault costs a trap:
/// copying 1 MiB messages into the store spent 22% of the host's samples in page faults (BENCHMARKS.md, issue 24).
/// Linux 5.14 and later (<c>madvise(MADV_POPULATE_WRITE)</c>); elsewhere, or when the call fails, the pages fault in
/// as usual.
/// </summary>
internal static partial class PrefaultedArrays
{
    /// <summary>
    /// Below this size the array spans at most one whole page and the call cannot pay. At 10 KB (two whole pages) it
    /// already does: host CPU per 1,000 messages on reused connections 223 -> 199 ms (mean of six interleaved runs).
    /// </summary>
    private const int Threshold = 8 * 1024;

    private const int PopulateWrite = 23; // MADV_POPULATE_WRITE

    /// <summary>The page size madvise aligns to (4 KiB on x64, often 16 or 64 KiB on ARM64).</summary>
    private static readonly nuint PageSize = (nuint)Environment.SystemPageSize;

    private static volatile bool _unsupported = !OperatingSystem.IsLinux();

    /// <summary>An uninitialized array of <paramref name="length"/> bytes on the pinned object heap, its pages present.</summary>
    public static byte[] Allocate(int length)
    {
        var array = GC.AllocateUninitializedArray<byte>(length, pinned: true);
        if (length >= Threshold && !_unsupported)
        {
            Populate(array);
        }

        return array;
    }

    private static unsafe void Populate(byte[] array)
    {
        // Every page the array's bytes touch, the partly filled first and last ones included: the copy writes them all.
        // Only whole inner pages were asked for before, and the last page (which the next array on the heap starts in)
        // then faulted on its own: one fault per stored 10 KB message. A page that holds any of the array's bytes is
        // committed whole, and populating one that is already present changes nothing in it.
        var start = (nuint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array));
        var first = start & ~(PageSize - 1);
        var end = (start + (nuint)array.Length + PageSize - 1) & ~(PageSize - 1);
        if (end > first && Madvise(first, end - first, PopulateWrite) != 0)
        {
            _unsupported = true; // EINVAL before Linux 5.14: stop asking
        }
    }

    [LibraryImport("libc", EntryPoint = "madvise", SetLastError = true)]
    private static partial int Madvise(nuint address, nuint length, int advice);
}
