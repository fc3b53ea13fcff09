using System.Text;

namespace MailKitServer.Imap.Tests.Concurrency;

/// <summary>
/// Reads whole IMAP server responses from a stream, literals ({n} and ~{n}) included, and tokenizes them. Written for
/// the tests, independent of the server's own parser.
/// </summary>
internal sealed class WireReader(Stream stream)
{
    private readonly byte[] _buffer = new byte[65536];
    private int _start;
    private int _end;

    /// <summary>Reads one response, or null when the connection closed.</summary>
    public async Task<WireResponse?> ReadAsync(CancellationToken cancellationToken)
    {
        var raw = new List<byte>();
        var literals = new List<byte[]>();
        while (true)
        {
            var line = await ReadLineAsync(cancellationToken);
            if (line is null)
            {
                return raw.Count == 0 ? null : throw new IOException("The connection closed inside a response.");
            }

            raw.AddRange(line);
            var size = LiteralSize(line);
            if (size < 0)
            {
                break;
            }

            literals.Add(await ReadExactAsync(size, cancellationToken));
            raw.Add(0); // marks where the literal stands
        }

        return Tokenize(raw.ToArray(), literals);
    }

    private static int LiteralSize(byte[] line)
    {
        if (line.Length < 3 || line[^1] != (byte)'}')
        {
            return -1;
        }

        var open = Array.LastIndexOf(line, (byte)'{');
        return open >= 0 && int.TryParse(Encoding.ASCII.GetString(line, open + 1, line.Length - open - 2), out var n) ? n : -1;
    }

    private static WireResponse Tokenize(byte[] raw, List<byte[]> literals)
    {
        var text = Encoding.UTF8.GetString(raw);
        var space = Array.IndexOf(raw, (byte)' ');
        var tag = Encoding.ASCII.GetString(raw, 0, space < 0 ? raw.Length : space);
        var stack = new Stack<List<WireToken>>();
        var current = new List<WireToken>();
        var literal = 0;
        var i = space < 0 ? raw.Length : space + 1;
        while (i < raw.Length)
        {
            var c = raw[i];
            if (c == (byte)' ')
            {
                i++;
            }
            else if (c == (byte)'(')
            {
                stack.Push(current);
                current = [];
                i++;
            }
            else if (c == (byte)')')
            {
                var list = WireToken.List(current);
                current = stack.Count > 0 ? stack.Pop() : throw new FormatException("Unbalanced ')' in: " + text);
                current.Add(list);
                i++;
            }
            else if (c == (byte)'"')
            {
                var value = new List<byte>();
                i++;
                while (raw[i] != (byte)'"')
                {
                    if (raw[i] == (byte)'\\')
                    {
                        i++;
                    }

                    value.Add(raw[i++]);
                }

                i++;
                current.Add(WireToken.String(value.ToArray()));
            }
            else if (c is (byte)'{' or (byte)'~')
            {
                // "{n}" or "~{n}" followed by the marker of the literal's octets.
                i = Array.IndexOf(raw, (byte)0, i) + 1;
                current.Add(WireToken.String(literals[literal++]));
            }
            else
            {
                // An atom; "[...]" may hold spaces and parentheses (BODY[HEADER.FIELDS (A B)], [PERMANENTFLAGS (...)]).
                var start = i;
                var depth = 0;
                while (i < raw.Length && (depth > 0 || (raw[i] != (byte)' ' && raw[i] != (byte)'(' && raw[i] != (byte)')')))
                {
                    depth += raw[i] == (byte)'[' ? 1 : raw[i] == (byte)']' ? -1 : 0;
                    i++;
                }

                current.Add(WireToken.Atom(Encoding.UTF8.GetString(raw, start, i - start)));
            }
        }

        if (stack.Count > 0)
        {
            throw new FormatException("Unbalanced '(' in: " + text);
        }

        return new WireResponse(tag, current, text.Replace("\0", "<literal>", StringComparison.Ordinal));
    }

    private async Task<byte[]?> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var lf = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (lf >= 0)
            {
                var end = lf > _start && _buffer[lf - 1] == (byte)'\r' ? lf - 1 : lf;
                var line = _buffer[_start..end];
                _start = lf + 1;
                return line;
            }

            if (!await FillAsync(cancellationToken))
            {
                return null;
            }
        }
    }

    private async Task<byte[]> ReadExactAsync(int size, CancellationToken cancellationToken)
    {
        var result = new byte[size];
        var done = 0;
        while (done < size)
        {
            if (_start == _end && !await FillAsync(cancellationToken))
            {
                throw new IOException("The connection closed inside a literal.");
            }

            var n = Math.Min(size - done, _end - _start);
            Array.Copy(_buffer, _start, result, done, n);
            _start += n;
            done += n;
        }

        return result;
    }

    private async Task<bool> FillAsync(CancellationToken cancellationToken)
    {
        if (_start > 0)
        {
            Array.Copy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            throw new InvalidOperationException("A response line longer than the test reader's buffer.");
        }

        var n = await stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
        _end += n;
        return n > 0;
    }
}
