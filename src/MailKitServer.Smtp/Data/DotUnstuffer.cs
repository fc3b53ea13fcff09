using MailKitServer.Runtime;

namespace MailKitServer.Smtp.Data;

/// <summary>
/// Decodes the DATA dot-stream incrementally (RFC 5321 §4.5.2): removes the stuffed leading dot of each line and
/// stops at <c>CRLF . CRLF</c> only. A bare LF, <c>&lt;LF&gt;.&lt;CR&gt;&lt;LF&gt;</c> or <c>&lt;CR&gt;.&lt;LF&gt;</c> never ends the
/// data (SMTP smuggling). Works on any split of the input; holds no more than one octet between calls.
/// </summary>
internal sealed class DotUnstuffer
{
    private State _state = State.LineStart;

    private enum State : byte
    {
        LineStart,
        Dot,
        DotCr,
        Text,
        Cr,
    }

    /// <summary>Whether any octet above 127 was seen.</summary>
    public bool Saw8Bit { get; private set; }

    /// <summary>Whether a bare CR or LF (not part of CRLF) was seen.</summary>
    public bool SawBareLineEnd { get; private set; }

    /// <summary>Starts over for a new message.</summary>
    public void Reset()
    {
        _state = State.LineStart;
        Saw8Bit = false;
        SawBareLineEnd = false;
    }

    /// <summary>Decodes a block of input.</summary>
    /// <param name="input">The octets received.</param>
    /// <param name="sink">Receives the message octets.</param>
    /// <param name="consumed">How many input octets were used (all of them unless the end was found).</param>
    /// <returns><see langword="true"/> when the terminating <c>CRLF.CRLF</c> was found.</returns>
    public bool Decode(ReadOnlySpan<byte> input, IDataSink sink, out int consumed)
    {
        var i = 0;
        var run = 0;
        while (i < input.Length)
        {
            switch (_state)
            {
                case State.Text:
                    var k = input[i..].IndexOfAny((byte)'\r', (byte)'\n');
                    if (k < 0)
                    {
                        i = input.Length;
                        break;
                    }

                    i += k;
                    if (input[i] == (byte)'\r')
                    {
                        _state = State.Cr;
                    }
                    else
                    {
                        // A bare LF does not start a new line for the purpose of the terminator.
                        SawBareLineEnd = true;
                    }

                    i++;
                    break;
                case State.Cr:
                    var b = input[i];
                    if (b == (byte)'\n')
                    {
                        _state = State.LineStart;
                    }
                    else if (b != (byte)'\r')
                    {
                        SawBareLineEnd = true;
                        _state = State.Text;
                    }
                    else
                    {
                        SawBareLineEnd = true;
                    }

                    i++;
                    break;
                case State.LineStart:
                    if (input[i] == (byte)'.')
                    {
                        Emit(input[run..i], sink);
                        i++;
                        run = i;
                        _state = State.Dot;
                    }
                    else
                    {
                        _state = State.Text;
                    }

                    break;
                case State.Dot:
                    if (input[i] == (byte)'\r')
                    {
                        // Hold the CR back: it is either part of the terminator or data.
                        i++;
                        run = i;
                        _state = State.DotCr;
                    }
                    else
                    {
                        // RFC 5321 §4.5.2: a line starting with a dot and holding more has its first dot removed.
                        _state = State.Text;
                    }

                    break;
                default: // DotCr
                    if (input[i] == (byte)'\n')
                    {
                        consumed = i + 1;
                        _state = State.LineStart;
                        return true;
                    }

                    sink.Write("\r"u8);
                    _state = State.Cr;
                    break;
            }
        }

        Emit(input[run..], sink);
        consumed = input.Length;
        return false;
    }

    private void Emit(ReadOnlySpan<byte> data, IDataSink sink)
    {
        if (data.IsEmpty)
        {
            return;
        }

        if (!Saw8Bit && data.IndexOfAnyInRange((byte)0x80, (byte)0xFF) >= 0)
        {
            Saw8Bit = true;
        }

        sink.Write(data);
    }
}
