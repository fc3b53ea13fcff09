using MailKitServer.Runtime;

namespace MailKitServer.Storage.InMemory;

/// <summary>
/// Memory for the in-memory store's messages up to 256 KB: each a slice of an array of up to 10 MiB shared with the
/// messages stored after it, its pages faulted in at once and backed by transparent huge pages where the system allows
/// (<see cref="PrefaultedArrays"/>), instead of an array of its own with a system call and a fault or two of its own.
/// Writing each 10 KB message into fresh memory was the largest item of the host's profile on reused connections
/// (issue 24: 14% of the samples in that copy, 1.06 page faults per message; with slabs 0.06, and 20-25% less host
/// CPU per message). Larger messages get an array of their own without huge pages, as before: with 1 MiB messages
/// huge pages cost more CPU than they saved on the build machine. A slab lives as long as any message in it: the memory
/// of expunged messages comes back when the last message of their slab goes (a purge of the store frees everything).
/// Thread-safe.
/// </summary>
internal static class MessageSlabs
{
    /// <summary>The size of a slab once the store is busy: at least four whole huge pages wherever it starts.</summary>
    internal const int SlabSize = 10 * 1024 * 1024;

    /// <summary>The first slab's size; each next one is twice the last, up to <see cref="SlabSize"/> (a store that keeps a few messages holds little).</summary>
    internal const int FirstSlabSize = 512 * 1024;

    /// <summary>Larger messages get an array of their own (a slab's unused tail is then at most this).</summary>
    internal const int OwnArrayAbove = 256 * 1024;

    private static readonly Lock Sync = new();
    private static byte[] _slab = [];
    private static int _used;

    /// <summary>Room for <paramref name="length"/> octets that will be written once and then only read.</summary>
    /// <param name="length">The message's size.</param>
    /// <returns>A slice of exactly <paramref name="length"/> octets, uninitialized.</returns>
    public static ArraySegment<byte> Allocate(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (length > OwnArrayAbove)
        {
            return PrefaultedArrays.Allocate(length);
        }

        lock (Sync)
        {
            if (_slab.Length - _used < length)
            {
                _slab = PrefaultedArrays.Allocate(Math.Clamp(_slab.Length * 2, FirstSlabSize, SlabSize), hugePages: true);
                _used = 0;
            }

            var slice = new ArraySegment<byte>(_slab, _used, length);
            _used += length;
            return slice;
        }
    }
}
