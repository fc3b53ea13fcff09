using System.Text;

namespace MailKitServer.Smtp.SenderAuth;

/// <summary>
/// Finds the header section of a message (RFC 5322 §2.2) in octets fed in any chunks: everything up to the first
/// empty line, at most a given number of octets, then split into fields with their offsets so fields can be cut out
/// of the content without touching anything else. A bare LF ends a line as CRLF does.
/// </summary>
internal sealed class HeaderSectionScanner(int maxSize)
{
    private readonly List<byte> _buffer = [];
    private bool _atLineStart = true;
    private bool _sawCr;
    private bool _tooLarge;

    /// <summary>Whether the section ended (or passed the limit); feeding more does nothing.</summary>
    public bool IsComplete { get; private set; }

    /// <summary>Feeds octets of the message.</summary>
    /// <returns>How many octets were taken; fewer than given once the section is complete.</returns>
    public int Feed(ReadOnlySpan<byte> data)
    {
        for (var i = 0; i < data.Length; i++)
        {
            if (IsComplete)
            {
                return i;
            }

            var b = data[i];
            if (_buffer.Count >= maxSize)
            {
                _tooLarge = true;
                IsComplete = true;
                return i;
            }

            _buffer.Add(b);
            if (b == (byte)'\n')
            {
                if (_atLineStart)
                {
                    // An empty line (LF or CRLF alone): the body starts after it.
                    IsComplete = true;
                    return i + 1;
                }

                _atLineStart = true;
                _sawCr = false;
            }
            else if (b == (byte)'\r' && _atLineStart && !_sawCr)
            {
                _sawCr = true;
            }
            else
            {
                _atLineStart = false;
                _sawCr = false;
            }
        }

        return data.Length;
    }

    /// <summary>Reads the header section from a stream (at most the limit plus one chunk).</summary>
    public static async Task<HeaderSection> ScanAsync(Stream content, int maxSize, CancellationToken cancellationToken)
    {
        var scanner = new HeaderSectionScanner(maxSize);
        var buffer = new byte[8192];
        while (!scanner.IsComplete)
        {
            var n = await content.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                break;
            }

            scanner.Feed(buffer.AsSpan(0, n));
        }

        return scanner.Result();
    }

    /// <summary>The section found (call once the section is complete or the content ended).</summary>
    public HeaderSection Result()
    {
        if (_tooLarge)
        {
            return new HeaderSection([], 0, TooLarge: true);
        }

        var bytes = _buffer.ToArray();
        var fields = new List<RawHeaderField>();
        var start = 0;
        while (start < bytes.Length)
        {
            var lineEnd = LineEnd(bytes, start);
            if (IsEmptyLine(bytes, start, lineEnd))
            {
                break;
            }

            // A field runs on over lines that start with white space (RFC 5322 §2.2.3).
            var end = lineEnd;
            while (end < bytes.Length && bytes[end] is (byte)' ' or (byte)'\t')
            {
                end = LineEnd(bytes, end);
            }

            var colon = Array.IndexOf(bytes, (byte)':', start, end - start);
            var name = colon < 0 ? string.Empty : Encoding.ASCII.GetString(bytes, start, colon - start).TrimEnd(' ', '\t');
            var value = colon < 0 ? string.Empty : Unfold(Encoding.UTF8.GetString(bytes, colon + 1, end - colon - 1));
            fields.Add(new RawHeaderField(name, start, end - start, value));
            start = end;
        }

        return new HeaderSection(fields, bytes.Length, TooLarge: false);
    }

    private static int LineEnd(byte[] bytes, int start)
    {
        var lf = Array.IndexOf(bytes, (byte)'\n', start);
        return lf < 0 ? bytes.Length : lf + 1;
    }

    private static bool IsEmptyLine(byte[] bytes, int start, int end) =>
        end - start == 1 ? bytes[start] == (byte)'\n' : end - start == 2 && bytes[start] == (byte)'\r' && bytes[start + 1] == (byte)'\n';

    private static string Unfold(string value) => value.Replace("\r\n", string.Empty, StringComparison.Ordinal).Replace("\n", string.Empty, StringComparison.Ordinal).Trim();
}
