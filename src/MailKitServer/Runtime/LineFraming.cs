using System.Buffers;
using MailKitServer.Diagnostics;

namespace MailKitServer.Runtime;

/// <summary>
/// Cuts a connection's input into bounded lines: a line of at most the limit is copied out whole; an over-long one is
/// skipped up to its end, across as many reads as it takes, keeping only its first octets (a tag to answer with) and
/// its last ones (a literal announced at its end). Nothing grows with the line, and a connection waiting for its next
/// line holds no line buffer (<see cref="Release"/>): 10,000 connections in IMAP IDLE keep none.
/// </summary>
internal sealed class LineFraming
{
    private const int TooLongHeadSize = 256;
    private const int TooLongTailSize = 32;
    private const int MinimumLineBuffer = 256;
    private byte[]? _tooLongTail; // made by the first over-long line
    private byte[] _lineBuffer = [];
    private int _tooLongHeadLength;
    private int _tooLongTailLength;

    /// <summary>Whether an over-long line is being skipped (its end has not come yet).</summary>
    public bool Discarding { get; private set; }

    /// <summary>Forgets a line being skipped (the stream under it changed: STARTTLS).</summary>
    public void Reset() => Discarding = false;

    /// <summary>
    /// Gives the line buffer back to the shared pool: the last line returned is no longer valid. Called when the
    /// engine asks for its next line; an over-long line being skipped keeps its first octets.
    /// </summary>
    public void Release()
    {
        if (!Discarding && _lineBuffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_lineBuffer);
            _lineBuffer = [];
        }
    }

    /// <summary>
    /// Takes the next line from <paramref name="buffer"/>, or the end of the over-long line being skipped.
    /// </summary>
    /// <param name="buffer">What the input holds.</param>
    /// <param name="maxLength">The longest line accepted, CRLF included.</param>
    /// <param name="transcript">Receives the line read, or a note that one is being skipped.</param>
    /// <param name="consumed">How far the input is used up.</param>
    /// <param name="examined">How far the input was looked at.</param>
    /// <returns>The line (valid until the next call) or the too-long result; <see langword="null"/> when more input is needed.</returns>
    public LineReadResult? TryTake(ReadOnlySequence<byte> buffer, int maxLength, TranscriptLogger transcript, out SequencePosition consumed, out SequencePosition examined)
    {
        var reader = new SequenceReader<byte>(buffer);
        if (Discarding)
        {
            var ended = SkipLongLine(ref reader);
            consumed = reader.Position;
            examined = ended ? consumed : buffer.End;
            return ended ? TooLongResult() : null;
        }

        consumed = buffer.Start;
        examined = buffer.End;
        switch (LineParser.TryReadLine(ref reader, maxLength, out var line, out var crlf))
        {
            case OperationStatus.Done:
                EnsureLineBuffer((int)line.Length);
                line.CopyTo(_lineBuffer);
                consumed = examined = reader.Position;
                transcript.Client(_lineBuffer.AsSpan(0, (int)line.Length));
                return new LineReadResult(LineReadStatus.Line, _lineBuffer.AsMemory(0, (int)line.Length), crlf);
            case OperationStatus.InvalidData:
                Discarding = true;
                transcript.Note("line too long, discarding it");
                _tooLongHeadLength = (int)Math.Min(TooLongHeadSize, reader.Remaining);
                EnsureLineBuffer(_tooLongHeadLength);
                reader.UnreadSequence.Slice(0, _tooLongHeadLength).CopyTo(_lineBuffer);
                _tooLongTailLength = 0;
                if (SkipLongLine(ref reader))
                {
                    consumed = examined = reader.Position;
                    return TooLongResult();
                }

                consumed = buffer.End;
                return null;
            default:
                return null;
        }
    }

    /// <summary>A line buffer of at least <paramref name="length"/> octets, rented as far as lines really go.</summary>
    private void EnsureLineBuffer(int length)
    {
        if (_lineBuffer.Length < length)
        {
            if (_lineBuffer.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(_lineBuffer);
            }

            _lineBuffer = ArrayPool<byte>.Shared.Rent(Math.Max(MinimumLineBuffer, length));
        }
    }

    private LineReadResult TooLongResult()
    {
        Discarding = false;
        _tooLongTail ??= new byte[TooLongTailSize];
        var tail = _tooLongTail.AsSpan(0, _tooLongTailLength);
        var tailLength = tail.EndsWith("\r"u8) ? tail.Length - 1 : tail.Length;
        return new LineReadResult(LineReadStatus.TooLong, _lineBuffer.AsMemory(0, _tooLongHeadLength), true)
        {
            Tail = _tooLongTail.AsMemory(0, tailLength),
        };
    }

    /// <summary>Skips input of an over-long line up to its LF, keeping its last octets (before the LF) in the tail.</summary>
    private bool SkipLongLine(ref SequenceReader<byte> reader)
    {
        var start = reader.Position;
        var found = LineParser.TrySkipLine(ref reader);
        var skipped = reader.Sequence.Slice(start, reader.Position);
        KeepTail(found ? skipped.Slice(0, skipped.Length - 1) : skipped);
        return found;
    }

    private void KeepTail(ReadOnlySequence<byte> data)
    {
        _tooLongTail ??= new byte[TooLongTailSize];
        if (data.Length >= TooLongTailSize)
        {
            data.Slice(data.Length - TooLongTailSize).CopyTo(_tooLongTail);
            _tooLongTailLength = TooLongTailSize;
            return;
        }

        var keep = Math.Min(_tooLongTailLength, TooLongTailSize - (int)data.Length);
        _tooLongTail.AsSpan(_tooLongTailLength - keep, keep).CopyTo(_tooLongTail);
        data.CopyTo(_tooLongTail.AsSpan(keep));
        _tooLongTailLength = keep + (int)data.Length;
    }
}
