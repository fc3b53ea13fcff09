using System.Globalization;
using System.Text;
using MailKitServer.Imap.Sorting;
using MailKitServer.Imap.Structure;

namespace MailKitServer.Imap.Tests.Sorting;

/// <summary>Builds the messages SORT and THREAD see, from header text as a client would have appended it.</summary>
internal static class TestMessages
{
    /// <summary>The internal date used when a test does not care.</summary>
    public static readonly DateTimeOffset Arrived = new(2024, 3, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>One message per header block, numbered 1, 2, ... with UIDs 101, 102, ...</summary>
    public static SortableMessage[] FromHeaders(params string[] headers) =>
        headers.Select((h, i) => Message(i + 1, h)).ToArray();

    /// <summary>A message with the given header lines (joined with CRLF), internal date and size.</summary>
    public static SortableMessage Message(int sequence, string header, DateTimeOffset? arrived = null, long size = 100)
    {
        var fields = HeaderParser.Parse(Encoding.UTF8.GetBytes(header.Replace("\n", "\r\n", StringComparison.Ordinal) + "\r\n\r\n"));
        return new SortableMessage(sequence, (uint)(100 + sequence), arrived ?? Arrived, size, MessageSortData.FromHeaders(fields));
    }

    /// <summary>An RFC 3501 style date for arrival times: "2024-03-01 10:00:00 +0200".</summary>
    public static DateTimeOffset At(string text) => DateTimeOffset.ParseExact(text, "yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture);

    /// <summary>The sequence numbers in the order the comparer sorts them.</summary>
    public static string Sorted(SortableMessage[] messages, params SortCriterion[] criteria)
    {
        var copy = messages.ToArray();
        new SortComparer(criteria).Sort(copy);
        return string.Join(' ', copy.Select(m => m.Sequence));
    }
}
