namespace MailKitServer.Imap.Structure;

/// <summary>A growable octet buffer with a cap, for header blocks.</summary>
internal sealed class ByteBuffer(int limit)
{
    private byte[] _data = new byte[256];

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
            Array.Resize(ref _data, Math.Max(_data.Length * 2, Count + bytes.Length));
        }

        bytes.CopyTo(_data.AsSpan(Count));
        Count += bytes.Length;
    }

    public void Truncate(int count) => Count = Math.Min(Count, count);
}
