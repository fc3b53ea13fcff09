using System.Buffers;

namespace MailKitServer.Imap.Structure;

/// <summary>
/// A growable octet buffer with a cap, for header blocks. Its array comes from the shared pool and goes back to it
/// with <see cref="Release"/> (the parser releases each header once it has made its fields): SEARCH TEXT parses the
/// structure of every message of a mailbox (issue 24). A buffer never released is simply collected.
/// </summary>
internal sealed class ByteBuffer(int limit)
{
    private const int InitialSize = 1024;
    private byte[] _data = [];

    public int Count { get; private set; }

    public bool Overflowed { get; private set; }

    public ReadOnlySpan<byte> Span => _data.AsSpan(0, Count);

    public void Append(ReadOnlySpan<byte> bytes)
    {
        if (Count + bytes.Length > limit)
        {
            Overflowed = true;
            bytes = bytes[..Math.Max(0, limit - Count)];
        }

        if (Count + bytes.Length > _data.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(Math.Max(_data.Length * 2, InitialSize), Count + bytes.Length));
            _data.AsSpan(0, Count).CopyTo(larger);
            ReturnArray();
            _data = larger;
        }

        bytes.CopyTo(_data.AsSpan(Count));
        Count += bytes.Length;
    }

    public void Truncate(int count) => Count = Math.Min(Count, count);

    /// <summary>Gives the array back to the pool and empties the buffer.</summary>
    public void Release()
    {
        ReturnArray();
        Count = 0;
    }

    private void ReturnArray()
    {
        if (_data.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_data);
            _data = [];
        }
    }
}
