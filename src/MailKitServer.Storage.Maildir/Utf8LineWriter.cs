using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;

namespace MailKitServer.Storage.Maildir;

/// <summary>
/// Writes text and numbers as UTF-8 to a stream through one pooled 64 KB buffer. The index of a 20,000-message folder
/// is about 3 MB: built as one string and then encoded, it was two large-object allocations and their page faults
/// on every save (issue 24: 15% of a first SELECT's samples).
/// </summary>
internal sealed class Utf8LineWriter(Stream stream) : IDisposable
{
    private const int BufferSize = 64 * 1024;

    /// <summary>The most octets one number takes (a 64-bit value in decimal, with a sign).</summary>
    private const int NumberMax = 20;

    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
    private int _used;

    /// <summary>Appends text (encoded as UTF-8; text longer than the buffer goes straight to the stream).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs per file at a first sight: see MaildirFolder.Adoption.cs
    public Utf8LineWriter Append(string text)
    {
        var max = Encoding.UTF8.GetMaxByteCount(text.Length);
        if (max > _buffer.Length)
        {
            Flush();
            stream.Write(Encoding.UTF8.GetBytes(text));
            return this;
        }

        Reserve(max);
        _used += Encoding.UTF8.GetBytes(text, _buffer.AsSpan(_used));
        return this;
    }

    /// <summary>Appends an ASCII character.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs per file at a first sight: see MaildirFolder.Adoption.cs
    public Utf8LineWriter Append(char ascii)
    {
        Reserve(1);
        _buffer[_used++] = (byte)ascii;
        return this;
    }

    /// <summary>Appends a number in decimal (invariant: digits, and a minus sign when negative).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs per file at a first sight: see MaildirFolder.Adoption.cs
    public Utf8LineWriter Append(long value)
    {
        Reserve(NumberMax);
        value.TryFormat(_buffer.AsSpan(_used), out var written, default, System.Globalization.CultureInfo.InvariantCulture);
        _used += written;
        return this;
    }

    /// <summary>Appends a number in decimal.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs per file at a first sight: see MaildirFolder.Adoption.cs
    public Utf8LineWriter Append(ulong value)
    {
        Reserve(NumberMax);
        value.TryFormat(_buffer.AsSpan(_used), out var written, default, System.Globalization.CultureInfo.InvariantCulture);
        _used += written;
        return this;
    }

    /// <summary>Writes what is buffered to the stream.</summary>
    public void Flush()
    {
        if (_used > 0)
        {
            stream.Write(_buffer, 0, _used);
            _used = 0;
        }
    }

    /// <summary>Returns the buffer to the pool (after <see cref="Flush"/>; what is still buffered is dropped).</summary>
    public void Dispose()
    {
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }

    private void Reserve(int octets)
    {
        if (_used + octets > _buffer.Length)
        {
            Flush();
        }
    }
}
