using System.Buffers;

namespace MailKitServer.Imap.Session;

/// <summary>
/// A whole message's octets in an array rented from the shared pool (<see cref="SelectedMailbox.LoadPooledAsync"/>),
/// given back on <see cref="Dispose"/>: SEARCH BODY/TEXT reads every message of a mailbox whole, and a copy of each
/// into a new array was most of what it allocated (issue 24). Nothing may keep <see cref="Octets"/> past Dispose.
/// </summary>
internal sealed class PooledMessage : IDisposable
{
    private byte[]? _array;

    /// <summary>Takes a rented array holding the message in its first <paramref name="length"/> octets.</summary>
    /// <param name="array">The array, rented from <see cref="ArrayPool{T}.Shared"/>.</param>
    /// <param name="length">How many octets the message has.</param>
    public PooledMessage(byte[] array, int length)
    {
        _array = array;
        Length = length;
    }

    /// <summary>The message's length in octets.</summary>
    public int Length { get; }

    /// <summary>The message's octets (valid until <see cref="Dispose"/>).</summary>
    public ReadOnlyMemory<byte> Octets => _array is { } array ? array.AsMemory(0, Length) : throw new ObjectDisposedException(nameof(PooledMessage));

    /// <summary>Gives the array back to the pool.</summary>
    public void Dispose()
    {
        if (_array is { } array)
        {
            _array = null;
            ArrayPool<byte>.Shared.Return(array);
        }
    }
}
