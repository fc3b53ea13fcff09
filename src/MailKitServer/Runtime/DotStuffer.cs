using System.Buffers;

namespace MailKitServer.Runtime;

/// <summary>
/// Writes a message as a dot-terminated multi-line response (POP3 RETR/TOP, RFC 1939 §3; SMTP DATA, RFC 5321 §4.5.2):
/// a line that starts with "." gets a second one, and <see cref="Finish"/> ends the last line and adds <c>.CRLF</c>.
/// Works on any split of the input.
/// </summary>
internal sealed class DotStuffer
{
    private bool _lineStart = true;
    private bool _endsWithCrLf = true;
    private byte _last;

    /// <summary>Starts over for a new message.</summary>
    public void Reset()
    {
        _lineStart = true;
        _endsWithCrLf = true;
        _last = 0;
    }

    /// <summary>Writes a block of the message.</summary>
    /// <param name="data">The octets.</param>
    /// <param name="output">Where the stuffed octets go.</param>
    public void Write(ReadOnlySpan<byte> data, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (data.IsEmpty)
        {
            return;
        }

        var run = 0;
        for (var i = 0; i < data.Length; i++)
        {
            if (_lineStart && data[i] == (byte)'.')
            {
                Copy(data[run..i], output);
                output.Write("."u8);
                run = i;
            }

            if (data[i] == (byte)'\n')
            {
                _lineStart = true;
                var k = data[(i + 1)..].IndexOf((byte)'\n');
                if (data.Length > i + 1 && data[i + 1] != (byte)'.')
                {
                    // Skip ahead to the next line end: only line starts matter.
                    _lineStart = false;
                    if (k < 0)
                    {
                        break;
                    }

                    i += k;
                }
            }
            else
            {
                _lineStart = false;
            }
        }

        Copy(data[run..], output);
        var previous = data.Length > 1 ? data[^2] : _last;
        _last = data[^1];
        _endsWithCrLf = _last == (byte)'\n' && previous == (byte)'\r';
        _lineStart = _last == (byte)'\n';
    }

    /// <summary>Ends the message: a CRLF if the last line lacks one, then the terminating <c>.CRLF</c>.</summary>
    /// <param name="output">Where to write.</param>
    public void Finish(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.Write(_endsWithCrLf ? ".\r\n"u8 : "\r\n.\r\n"u8);
        Reset();
    }

    private static void Copy(ReadOnlySpan<byte> data, IBufferWriter<byte> output)
    {
        if (!data.IsEmpty)
        {
            output.Write(data);
        }
    }
}
