using System.Globalization;
using System.Text;

namespace MailKitServer.Smtp.Outbound;

/// <summary>
/// Reads a next hop's replies (RFC 5321 §4.2.1) from whatever stream the connection currently uses (plain, then TLS):
/// lines of at most 4 KB, replies of at most 100 lines, every read within the given time-out. Anything else is an
/// <see cref="SmtpProtocolException"/>, after which the connection is not reusable.
/// </summary>
/// <param name="peer">The next hop as "host[address]", for the error messages.</param>
internal sealed class SmtpClientReplyReader(string peer)
{
    private const int MaxReplyLine = 4096;
    private const int MaxReplyLines = 100;
    private readonly byte[] _buffer = new byte[8192];
    private int _start;
    private int _end;

    /// <summary>Whether bytes the next hop sent are buffered beyond the last reply read.</summary>
    public bool HasUnreadData => _start != _end;

    /// <summary>Reads one reply: lines "NNN-text" then "NNN text", all with the same code.</summary>
    public async Task<SmtpClientReply> ReadAsync(Stream stream, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timer = NetworkTimeout.Start(timeout, cancellationToken);
        var lines = new List<string>();
        var code = -1;
        try
        {
            while (true)
            {
                var line = await ReadLineAsync(stream, timer.Token).ConfigureAwait(false);
                var lineCode = ParseCode(line);
                if (code >= 0 && lineCode != code)
                {
                    throw new SmtpProtocolException($"{peer} changed the reply code inside a multi-line reply");
                }

                code = lineCode;
                lines.Add(line.Length > 4 ? line[4..] : string.Empty);
                if (line.Length == 3 || line[3] == ' ')
                {
                    return new SmtpClientReply(code, lines);
                }

                if (lines.Count >= MaxReplyLines)
                {
                    throw new SmtpProtocolException($"{peer} sent a reply of more than {MaxReplyLines} lines");
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SmtpProtocolException($"{peer} did not answer within {timeout.TotalSeconds:0.#} s");
        }
    }

    /// <summary>The reply code of one line: three digits, the first 2 to 5, then a space, a hyphen or nothing.</summary>
    private int ParseCode(string line)
    {
        if (line.Length < 3 || !char.IsAsciiDigit(line[0]) || !char.IsAsciiDigit(line[1]) || !char.IsAsciiDigit(line[2]) || line[0] is < '2' or > '5' || (line.Length > 3 && line[3] is not (' ' or '-')))
        {
            throw new SmtpProtocolException($"{peer} answered garbage: {Printable(line)}");
        }

        return int.Parse(line.AsSpan(0, 3), CultureInfo.InvariantCulture);
    }

    private async Task<string> ReadLineAsync(Stream stream, CancellationToken cancellationToken)
    {
        while (true)
        {
            var lf = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (lf >= 0)
            {
                var length = lf - _start;
                if (length > 0 && _buffer[lf - 1] == (byte)'\r')
                {
                    length--;
                }

                var line = Encoding.UTF8.GetString(_buffer, _start, length);
                _start = lf + 1;
                return line;
            }

            if (_end - _start >= MaxReplyLine)
            {
                throw new SmtpProtocolException($"{peer} sent a reply line longer than {MaxReplyLine} octets");
            }

            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }

            _end += await FillAsync(stream, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<int> FillAsync(Stream stream, CancellationToken cancellationToken)
    {
        int n;
        try
        {
            n = await stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            throw new SmtpProtocolException($"lost connection with {peer}: {ex.Message}", ex);
        }

        return n > 0 ? n : throw new SmtpProtocolException($"lost connection with {peer}");
    }

    private static string Printable(string line) => new(line.Take(80).Select(c => c < ' ' || c > '~' ? '?' : c).ToArray());
}
