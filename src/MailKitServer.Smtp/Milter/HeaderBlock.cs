using System.Text;

namespace MailKitServer.Smtp.Milter;

/// <summary>
/// The header fields of a message as a filter sees them (one SMFIC_HEADER each, in order), and as its changes leave
/// them: fields appended, inserted at a position or changed by name and occurrence (SMFIR_ADDHEADER, SMFIR_INSHEADER,
/// SMFIR_CHGHEADER). The octets of the fields it did not touch stay as received. Reading is bounded: past
/// <see cref="MaxLength"/> octets without an empty line, what follows counts as body (as Postfix's header_size_limit does).
/// </summary>
internal sealed class HeaderBlock
{
    /// <summary>The most octets read as header fields.</summary>
    public const int MaxLength = 1024 * 1024;

    private readonly List<(string Name, byte[] Raw)> _fields;

    private HeaderBlock(List<(string Name, byte[] Raw)> fields, long bodyOffset)
    {
        _fields = fields;
        BodyOffset = bodyOffset;
    }

    /// <summary>Where the body starts in the content the block was read from (after the empty line, if any).</summary>
    public long BodyOffset { get; }

    /// <summary>The fields' names, in order.</summary>
    public IEnumerable<string> Names => _fields.Select(f => f.Name);

    /// <summary>The fields as a filter is sent them: the name, and the value after the colon with folds as LF (as Postfix sends them).</summary>
    public IEnumerable<(string Name, string Value)> Fields => _fields.Select(f => (f.Name, ValueOf(f.Raw)));

    /// <summary>Reads the header fields from the current position of <paramref name="content"/>.</summary>
    /// <param name="content">The message; its position is left somewhere after the fields.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The block; <see cref="BodyOffset"/> is relative to where the read started.</returns>
    public static async Task<HeaderBlock> ReadAsync(Stream content, CancellationToken cancellationToken)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        while (buffer.Length < MaxLength)
        {
            var read = await content.ReadAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, MaxLength - buffer.Length)), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            var before = Math.Max(0, (int)buffer.Length - 3);
            buffer.Write(chunk, 0, read);
            if (buffer.GetBuffer().AsSpan(before, (int)buffer.Length - before).IndexOf("\n\r\n"u8) >= 0 || buffer.GetBuffer().AsSpan(before, (int)buffer.Length - before).IndexOf("\n\n"u8) >= 0)
            {
                break;
            }
        }

        return Parse(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    }

    /// <summary>Splits <paramref name="data"/> into fields up to the empty line, a line that is not a field, or the end.</summary>
    public static HeaderBlock Parse(ReadOnlySpan<byte> data)
    {
        var fields = new List<(string Name, byte[] Raw)>();
        var position = 0;
        int? start = null;
        while (position < data.Length)
        {
            var newline = data[position..].IndexOf((byte)'\n');
            if (newline < 0)
            {
                // An unfinished last line: a field only when everything up to it was (the block ends with the data).
                break;
            }

            var line = data.Slice(position, newline + 1);
            var isBlank = line.Length == 1 || (line.Length == 2 && line[0] == '\r');
            var isFold = line[0] is (byte)' ' or (byte)'\t';
            if (start is { } s && !isFold)
            {
                fields.Add(Field(data[s..position]));
                start = null;
            }

            if (isBlank)
            {
                return new HeaderBlock(fields, position + line.Length);
            }

            if (isFold)
            {
                if (start is null)
                {
                    // White space at the start of the content is no fold: the body starts here.
                    return new HeaderBlock(fields, position);
                }
            }
            else
            {
                var colon = line.IndexOf((byte)':');
                if (colon <= 0 || line[..colon].IndexOfAny((byte)'\r', (byte)'\n') >= 0)
                {
                    // Not a field: the body starts here (no empty line in between).
                    return new HeaderBlock(fields, position);
                }

                start = position;
            }

            position += line.Length;
        }

        if (start is { } open)
        {
            fields.Add(Field(data[open..position]));
        }

        return new HeaderBlock(fields, position);
    }

    /// <summary>Applies one header change; other kinds are ignored.</summary>
    public void Apply(MilterModification change)
    {
        switch (change.Kind)
        {
            case MilterModificationKind.AddHeader:
                _fields.Add((change.Name, Format(change.Name, change.Value ?? string.Empty)));
                break;
            case MilterModificationKind.InsertHeader:
                // libmilter: an index past the last field appends.
                _fields.Insert(Math.Min(change.Index, _fields.Count), (change.Name, Format(change.Name, change.Value ?? string.Empty)));
                break;
            case MilterModificationKind.ChangeHeader:
                // libmilter: the Nth field of that name (1 first); an empty value deletes it; past the last one, a new field is added.
                var seen = 0;
                for (var i = 0; i < _fields.Count; i++)
                {
                    if (string.Equals(_fields[i].Name, change.Name, StringComparison.OrdinalIgnoreCase) && ++seen == Math.Max(change.Index, 1))
                    {
                        if (string.IsNullOrEmpty(change.Value))
                        {
                            _fields.RemoveAt(i);
                        }
                        else
                        {
                            _fields[i] = (_fields[i].Name, Format(_fields[i].Name, change.Value));
                        }

                        return;
                    }
                }

                if (!string.IsNullOrEmpty(change.Value))
                {
                    _fields.Add((change.Name, Format(change.Name, change.Value)));
                }

                break;
        }
    }

    /// <summary>Writes the fields and the empty line that ends them.</summary>
    public void WriteTo(Action<ReadOnlySpan<byte>> write)
    {
        foreach (var (_, raw) in _fields)
        {
            write(raw);
        }

        write("\r\n"u8);
    }

    /// <summary>A field as a filter gave it: "Name: value", folds as CRLF, ending with CRLF; controls other than folds dropped.</summary>
    private static byte[] Format(string name, string value)
    {
        var sb = new StringBuilder(name.Length + value.Length + 4);
        foreach (var c in name)
        {
            if (c is > ' ' and < '\u007f' and not ':')
            {
                sb.Append(c);
            }
        }

        sb.Append(':');
        if (value.Length > 0 && value[0] is not (' ' or '\t'))
        {
            sb.Append(' ');
        }

        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '\n' || (c == '\r' && i + 1 < value.Length && value[i + 1] == '\n'))
            {
                if (c == '\r')
                {
                    i++;
                }

                // A fold must go on with white space, or the next line would start a field of its own.
                sb.Append("\r\n");
                if (i + 1 < value.Length && value[i + 1] is not (' ' or '\t'))
                {
                    sb.Append('\t');
                }
            }
            else if (c >= ' ' || c == '\t')
            {
                sb.Append(c);
            }
        }

        sb.Append("\r\n");
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    private static (string Name, byte[] Raw) Field(ReadOnlySpan<byte> raw)
    {
        var colon = raw.IndexOf((byte)':');
        return (Encoding.UTF8.GetString(raw[..colon]).TrimEnd(' ', '\t'), raw.ToArray());
    }

    private static string ValueOf(byte[] raw)
    {
        var colon = Array.IndexOf(raw, (byte)':');
        var value = Encoding.UTF8.GetString(raw, colon + 1, raw.Length - colon - 1);
        return value.TrimEnd('\r', '\n').Replace("\r\n", "\n", StringComparison.Ordinal);
    }
}
