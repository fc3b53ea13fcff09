namespace MailKitServer.Imap.Fetch;

/// <summary>A &lt;origin.count&gt; partial range (RFC 9051 §6.4.5: number64 "." nz-number64).</summary>
/// <param name="Origin">The first octet wanted.</param>
/// <param name="Count">How many octets at most (at least 1).</param>
internal readonly record struct FetchPartial(long Origin, long Count)
{
    /// <summary>The [start, end) part of a range of <paramref name="length"/> octets this partial takes.</summary>
    public (long Start, long End) Within(long length)
    {
        var start = Math.Min(Origin, length);
        return (start, start + Math.Min(Count, length - start));
    }
}
