namespace MailKitServer.Imap.Tests.Structure;

/// <summary>A stream whose first read ends at a given octet (or every read gives at most that many).</summary>
internal sealed class PiecesStream(byte[] data, int split, bool everyRead = false) : MemoryStream(data, writable: false)
{
    public override int Read(Span<byte> buffer)
    {
        var most = everyRead || Position < split ? (everyRead ? split : split - (int)Position) : buffer.Length;
        return base.Read(buffer[..Math.Min(buffer.Length, most)]);
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));
}
