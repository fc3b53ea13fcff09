using System.Buffers;

namespace MailKitServer.Imap.Structure;

/// <summary>
/// A growable run of characters in an array rented from the shared pool, for text that is searched or copied once
/// and then dropped (decoded header values: <see cref="EncodedWords"/>). Pass it by reference; dispose it once.
/// </summary>
internal struct PooledChars : IDisposable
{
    private char[] _array;
    private int _length;

    /// <summary>Starts empty with room for <paramref name="capacity"/> characters.</summary>
    /// <param name="capacity">The first size asked for.</param>
    public PooledChars(int capacity)
    {
        _array = ArrayPool<char>.Shared.Rent(Math.Max(16, capacity));
        _length = 0;
    }

    /// <summary>The characters so far.</summary>
    public readonly ReadOnlySpan<char> Span => _array.AsSpan(0, _length);

    /// <summary>Appends characters.</summary>
    /// <param name="chars">The characters.</param>
    public void Append(ReadOnlySpan<char> chars)
    {
        chars.CopyTo(Reserve(chars.Length));
        _length += chars.Length;
    }

    /// <summary>Room for at least <paramref name="count"/> more characters; <see cref="Advance"/> says how many were written.</summary>
    /// <param name="count">How many may be written.</param>
    /// <returns>The room, right after the characters so far.</returns>
    public Span<char> Reserve(int count)
    {
        if (_array.Length - _length < count)
        {
            var larger = ArrayPool<char>.Shared.Rent(Math.Max(_array.Length * 2, _length + count));
            Span.CopyTo(larger);
            ArrayPool<char>.Shared.Return(_array);
            _array = larger;
        }

        return _array.AsSpan(_length);
    }

    /// <summary>Counts characters written into the room <see cref="Reserve"/> gave.</summary>
    /// <param name="count">How many.</param>
    public void Advance(int count) => _length += count;

    /// <summary>Gives the array back to the pool.</summary>
    public void Dispose()
    {
        if (_array.Length > 0)
        {
            ArrayPool<char>.Shared.Return(_array);
            _array = [];
            _length = 0;
        }
    }
}
