using System.Buffers;

namespace MailKitServer.Imap.Structure;

/// <summary>
/// Walks the fields of a header block without making a string of any: each step gives a field's name and its raw
/// value (from after the colon to the end of its last continuation line, line ends included), and
/// <see cref="Value"/> makes the text of the one a caller wants. <see cref="HeaderParser"/> builds its field list
/// with it; a UID SEARCH HEADER over a large mailbox reads the one field it names and leaves the others as octets
/// (issue 24: a repeated search over 20,000 cached header blocks spent most of its time making strings of every field).
/// Lines are split at LF with one CR before it dropped; the block ends at the first empty line; a line that is not a
/// field (an mbox "From " line, garbage) is skipped with the continuation lines after it (RFC 5322 §2.2, §2.2.3).
/// </summary>
internal ref struct HeaderFieldReader
{
    private readonly ReadOnlySpan<byte> _block;
    private int _position;

    /// <summary>Starts before the first field of a block.</summary>
    /// <param name="block">The header octets (what follows its empty line is not read).</param>
    public HeaderFieldReader(ReadOnlySpan<byte> block) => _block = block;

    /// <summary>The current field's name as written (printable US-ASCII, white space before the colon dropped).</summary>
    public ReadOnlySpan<byte> Name { get; private set; }

    /// <summary>The current field's octets after the colon to the end of its last line, folded as written.</summary>
    public ReadOnlySpan<byte> RawValue { get; private set; }

    /// <summary>Moves to the next field.</summary>
    /// <returns><see langword="false"/> at the end of the header.</returns>
    public bool MoveNext()
    {
        while (_position < _block.Length)
        {
            var start = _position;
            var end = NextLine();
            if (end == start)
            {
                _position = _block.Length;
                return false;
            }

            var line = _block[start..end];
            if (IsContinuation(line[0]))
            {
                // A continuation of a line that was not a field.
                continue;
            }

            var colon = line.IndexOf((byte)':');
            var name = colon > 0 ? line[..colon].TrimEnd(" \t"u8) : default;
            if (name.IsEmpty || name.IndexOfAnyExceptInRange((byte)33, (byte)126) >= 0)
            {
                continue;
            }

            // The value runs on over the continuation lines: in the block they follow each other.
            while (_position < _block.Length && IsContinuation(_block[_position]))
            {
                end = NextLine();
            }

            Name = name;
            RawValue = _block[(start + colon + 1)..end];
            return true;
        }

        return false;
    }

    /// <summary>The current field's value as <see cref="HeaderField.Value"/> holds it: unfolded, trimmed, decoded (<see cref="HeaderOctets"/>).</summary>
    /// <returns>The text.</returns>
    public readonly string Value() => Unfolded(RawValue);

    /// <summary>
    /// Whether the current field's value, as <see cref="Value"/> gives it and with its encoded words decoded, holds
    /// <paramref name="needle"/> ignoring case (<see cref="EncodedWords.DecodedContains(ReadOnlySpan{byte}, string)"/>),
    /// without making the value a string.
    /// </summary>
    /// <param name="needle">The text searched for.</param>
    /// <returns>Whether it is there.</returns>
    public readonly bool DecodedValueContains(string needle)
    {
        var raw = RawValue;
        if (raw.IndexOf((byte)'\n') < 0)
        {
            return EncodedWords.DecodedContains(raw.Trim(" \t"u8), needle);
        }

        var rented = ArrayPool<byte>.Shared.Rent(raw.Length);
        try
        {
            return EncodedWords.DecodedContains(rented.AsSpan(0, Unfold(raw, rented)).Trim(" \t"u8), needle);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>A raw value unfolded (each LF and the one CR before it dropped), trimmed of spaces and tabs, as text.</summary>
    /// <param name="raw">The octets after a colon, as <see cref="RawValue"/> gives them.</param>
    /// <returns>The text.</returns>
    private static string Unfolded(ReadOnlySpan<byte> raw)
    {
        if (raw.IndexOf((byte)'\n') < 0)
        {
            return HeaderOctets.Decode(raw.Trim(" \t"u8));
        }

        var rented = ArrayPool<byte>.Shared.Rent(raw.Length);
        try
        {
            return HeaderOctets.Decode(rented.AsSpan(0, Unfold(raw, rented)).Trim(" \t"u8));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Copies a raw value without its line ends (each LF and the one CR before it); returns the length.</summary>
    private static int Unfold(ReadOnlySpan<byte> raw, Span<byte> output)
    {
        var length = 0;
        while (raw.IndexOf((byte)'\n') is var lf and >= 0)
        {
            var line = raw[..lf];
            line = !line.IsEmpty && line[^1] == (byte)'\r' ? line[..^1] : line;
            line.CopyTo(output[length..]);
            length += line.Length;
            raw = raw[(lf + 1)..];
        }

        // The last line's end was left out of the raw value already.
        raw.CopyTo(output[length..]);
        return length + raw.Length;
    }

    private static bool IsContinuation(byte first) => first is (byte)' ' or (byte)'\t';

    /// <summary>Moves past the line at the position; returns where its content ends (before its LF and one CR).</summary>
    private int NextLine()
    {
        var start = _position;
        var lf = _block[start..].IndexOf((byte)'\n');
        var end = lf < 0 ? _block.Length : start + lf;
        _position = lf < 0 ? _block.Length : end + 1;
        return end > start && _block[end - 1] == (byte)'\r' ? end - 1 : end;
    }
}
