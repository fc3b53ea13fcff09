using System.Buffers;

namespace MailKitServer.Runtime;

/// <summary>
/// The bounded line parser every protocol reads commands with. Lines end with LF (a CR before it is removed);
/// a line longer than the limit is reported as <see cref="OperationStatus.InvalidData"/> before it is buffered whole.
/// </summary>
internal static class LineParser
{
    /// <summary>Reads one line.</summary>
    /// <param name="reader">The input; advanced past the line and its terminator on success, untouched otherwise.</param>
    /// <param name="maxLength">The longest line accepted, in octets, counting its CRLF.</param>
    /// <param name="line">The line without its terminator.</param>
    /// <param name="crlf">Whether the line ended with CRLF (<see langword="false"/>: a bare LF).</param>
    /// <returns><see cref="OperationStatus.Done"/>, <see cref="OperationStatus.NeedMoreData"/>, or <see cref="OperationStatus.InvalidData"/> when no line end is within <paramref name="maxLength"/> octets.</returns>
    public static OperationStatus TryReadLine(ref SequenceReader<byte> reader, int maxLength, out ReadOnlySequence<byte> line, out bool crlf)
    {
        crlf = false;
        var window = reader.Remaining > maxLength ? reader.UnreadSequence.Slice(0, maxLength) : reader.UnreadSequence;
        var lf = window.PositionOf((byte)'\n');
        if (lf is null)
        {
            line = default;
            return reader.Remaining >= maxLength ? OperationStatus.InvalidData : OperationStatus.NeedMoreData;
        }

        var withoutLf = window.Slice(0, lf.Value);
        var length = withoutLf.Length;
        if (length > 0 && EndsWithCr(withoutLf))
        {
            crlf = true;
            withoutLf = withoutLf.Slice(0, length - 1);
        }

        line = withoutLf;
        reader.Advance(length + 1);
        return OperationStatus.Done;
    }

    /// <summary>Skips the rest of an over-long line.</summary>
    /// <param name="reader">The input; advanced past the next LF, or to its end when there is none.</param>
    /// <returns><see langword="true"/> when the line end was found.</returns>
    public static bool TrySkipLine(ref SequenceReader<byte> reader)
    {
        if (reader.TryAdvanceTo((byte)'\n', advancePastDelimiter: true))
        {
            return true;
        }

        reader.AdvanceToEnd();
        return false;
    }

    private static bool EndsWithCr(ReadOnlySequence<byte> s)
    {
        if (s.IsSingleSegment)
        {
            return s.FirstSpan[^1] == (byte)'\r';
        }

        return s.Slice(s.Length - 1).FirstSpan[0] == (byte)'\r';
    }
}
