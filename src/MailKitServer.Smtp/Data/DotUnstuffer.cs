using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
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
                    var past = SkipPlainBlocks(input, i);
                    i = past > i ? past : SkipText(input, i);
                    break;
                case State.Cr:
                    AfterCr(input[i]);
                    i++;
                    break;
                case State.LineStart:
                    if (input[i] == (byte)'.')
                    {
                        // Emit the line so far; the dot itself is not data unless the line turns out to be just a dot.
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
                default:
                    if (EndsData(input[i], sink))
                    {
                        consumed = i + 1;
                        return true;
                    }

                    break;
            }
        }

        Emit(input[run..], sink);
        consumed = input.Length;
        return false;
    }

    /// <summary>
    /// In a line's text: skips whole 32-octet blocks in which nothing needs the state machine, many lines at a time
    /// (a message of 80-octet lines otherwise costs a search and three state steps per line: 5% of the host's CPU on
    /// 1 MiB messages). A block passes when every LF in it follows a CR, every CR is followed by an LF, and no dot
    /// starts a line (follows such an LF); a CR in its last octet is judged with the next block. The first block that
    /// does not pass (a stuffed dot, the terminator, a bare CR or LF) is left to the state machine.
    /// </summary>
    /// <returns>The index after the last block skipped (then the state says what that block ended with), or <paramref name="i"/>.</returns>
    private int SkipPlainBlocks(ReadOnlySpan<byte> input, int i)
    {
        if (!Vector256.IsHardwareAccelerated || input.Length - i < Vector256<byte>.Count)
        {
            return i;
        }

        // In the Text state the octet before i is text or a bare LF (already reported): neither starts a line.
        uint crCarry = 0;
        uint lfCarry = 0;
        var start = i;
        var last = input.Length - Vector256<byte>.Count;
        ref var origin = ref MemoryMarshal.GetReference(input);
        while (i <= last)
        {
            var block = Vector256.LoadUnsafe(ref origin, (nuint)i);
            var cr = Vector256.Equals(block, Vector256.Create((byte)'\r')).ExtractMostSignificantBits();
            var lf = Vector256.Equals(block, Vector256.Create((byte)'\n')).ExtractMostSignificantBits();
            var dot = Vector256.Equals(block, Vector256.Create((byte)'.')).ExtractMostSignificantBits();
            if (lf != ((cr << 1) | crCarry) || (dot & ((lf << 1) | lfCarry)) != 0)
            {
                break;
            }

            crCarry = cr >> 31;
            lfCarry = lf >> 31;
            i += Vector256<byte>.Count;
        }

        if (i > start)
        {
            _state = crCarry != 0 ? State.Cr : lfCarry != 0 ? State.LineStart : State.Text;
        }

        return i;
    }

    /// <summary>In a line's text: skips to just after its next CR or LF.</summary>
    /// <returns>The index after that CR or LF, or the input's length.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int SkipText(ReadOnlySpan<byte> input, int i)
    {
        var k = input[i..].IndexOfAny((byte)'\r', (byte)'\n');
        if (k < 0)
        {
            return input.Length;
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

        return i + 1;
    }

    /// <summary>After a CR: an LF completes the line ending; anything else makes that CR a bare one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void AfterCr(byte b)
    {
        if (b == (byte)'\n')
        {
            _state = State.LineStart;
            return;
        }

        SawBareLineEnd = true;
        if (b != (byte)'\r')
        {
            _state = State.Text;
        }
    }

    /// <summary>After "CRLF . CR": an LF ends the data; anything else makes the held CR data, to be judged as a CR.</summary>
    /// <returns>Whether <paramref name="b"/> ended the data (it is then consumed; otherwise it is not).</returns>
    private bool EndsData(byte b, IDataSink sink)
    {
        if (b == (byte)'\n')
        {
            _state = State.LineStart;
            return true;
        }

        sink.Write("\r"u8);
        _state = State.Cr;
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
