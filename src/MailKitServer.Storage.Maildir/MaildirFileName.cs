using System.Globalization;
using System.Runtime.CompilerServices;

namespace MailKitServer.Storage.Maildir;

/// <summary>
/// Maildir file names: <c>unique[,S=size][,Z=+hhmm][,U=uid]:2,FLAGS</c>. The info part carries the system flags (D,
/// F, R, S, T in ASCII order, as the Maildir specification says) and then the keyword letters (a-z, see
/// <see cref="MaildirKeywords"/>); the UID rides in the base name so a lost index is rebuilt with the same UIDs. The
/// file's mtime is the message's internal date (as Dovecot reads it) and <c>,Z=</c> its zone when not UTC.
/// </summary>
internal static class MaildirFileName
{
    /// <summary>The info part's letters of each combination of the five system flags (D, F, R, S, T), by <see cref="LetterIndex"/>.</summary>
    private static readonly string[] SystemFlagLetters = [.. Enumerable.Range(0, 32).Select(i =>
        string.Concat("DFRST".Where((_, bit) => (i & (1 << bit)) != 0)))];

    private static long _counter;

    /// <summary>A new unique name; <paramref name="size"/> goes in as ",S=" (as Dovecot writes it) when known.</summary>
    public static string NewUnique(long? size = null)
    {
        var now = DateTimeOffset.UtcNow;
        var n = Interlocked.Increment(ref _counter);
        // Dovecot gives UIDs to files it has no record of in name order: seconds, then the M microseconds, then the
        // rest as a string. Real microseconds and a fixed-width counter keep that order the order we created them in
        // (with milliseconds and "Q9" < "Q10" failing as strings, two appends in one millisecond came out swapped).
        var microseconds = now.Ticks % TimeSpan.TicksPerSecond / (TimeSpan.TicksPerMillisecond / 1000);
        var name = string.Create(CultureInfo.InvariantCulture, $"{now.ToUnixTimeSeconds()}.M{microseconds}P{Environment.ProcessId}Q{n:D10}.{Environment.MachineName.Replace('/', '_').Replace(':', '_')}");
        return size is { } s ? WithSize(name, s) : name;
    }

    public static string WithSize(string unique, long size) => string.Create(CultureInfo.InvariantCulture, $"{unique},S={size}");

    /// <summary>Adds the zone of an internal date (<c>,Z=+0200</c>) unless it is UTC.</summary>
    public static string WithZone(string unique, TimeSpan offset) =>
        offset == TimeSpan.Zero ? unique : string.Create(CultureInfo.InvariantCulture, $"{unique},Z={(offset < TimeSpan.Zero ? '-' : '+')}{offset.Duration():hhmm}");

    /// <summary>The zone of the internal date a name carries (UTC when it carries none).</summary>
    public static TimeSpan Zone(string fileName)
    {
        var name = BaseName(Path.GetFileName(fileName));
        var z = name.IndexOf(",Z=", StringComparison.Ordinal);
        if (z < 0 || z + 8 > name.Length || name[(z + 3)] is not ('+' or '-')
            || !int.TryParse(name.AsSpan(z + 4, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var hours)
            || !int.TryParse(name.AsSpan(z + 6, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var minutes)
            || hours > 14 || minutes > 59)
        {
            return TimeSpan.Zero;
        }

        var offset = new TimeSpan(hours, minutes, 0);
        return name[z + 3] == '-' ? -offset : offset;
    }

    /// <summary>The size a name carries (<c>,S=</c> in the base name, as we and Dovecot write it), or null.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs per file at a first sight: see MaildirFolder.Adoption.cs
    public static long? Size(ReadOnlySpan<char> fileName)
    {
        var colon = fileName.IndexOf(':');
        var name = colon < 0 ? fileName : fileName[..colon];
        var s = name.IndexOf(",S=", StringComparison.Ordinal);
        if (s < 0)
        {
            return null;
        }

        var digits = name[(s + 3)..];
        var end = digits.IndexOf(',');
        return long.TryParse(end < 0 ? digits : digits[..end], NumberStyles.None, CultureInfo.InvariantCulture, out var size) ? size : null;
    }

    /// <summary>The keyword letters (a-z) of the info part.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs per file at a first sight: see MaildirFolder.Adoption.cs
    public static string KeywordLetters(string fileName)
    {
        var info = fileName.IndexOf(":2,", StringComparison.Ordinal);
        if (info < 0)
        {
            return string.Empty;
        }

        // Without an allocation when there are none (a STORE asks this of every message it renames).
        var part = fileName.AsSpan(info + 3);
        var count = 0;
        foreach (var c in part)
        {
            count += char.IsAsciiLetterLower(c) ? 1 : 0;
        }

        if (count == 0)
        {
            return string.Empty;
        }

        Span<char> letters = stackalloc char[count];
        var n = 0;
        foreach (var c in part)
        {
            if (char.IsAsciiLetterLower(c))
            {
                letters[n++] = c;
            }
        }

        return new string(letters);
    }

    /// <summary>The base name (before ":2,").</summary>
    public static string BaseName(string fileName)
    {
        var colon = fileName.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? fileName : fileName[..colon];
    }

    /// <summary>The unique part of a directory entry's name (see <see cref="Unique(string)"/>), as one new string.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs per file at a first sight: see MaildirFolder.Adoption.cs
    public static string Unique(ReadOnlySpan<char> fileName) => new(UniqueOf(fileName));

    /// <summary>
    /// The unique part of a path relative to the folder (<c>new/</c> or <c>cur/</c> and the file's name), without a
    /// string: a slice of the path.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs per file at every look: see MaildirFolder.Adoption.cs
    public static ReadOnlySpan<char> UniquePart(string relativePath) => UniqueOf(relativePath.AsSpan(4));

    /// <summary>The unique part, without the ",U=" field (the key used to find a file again after a tool renamed it).</summary>
    public static string Unique(string fileName)
    {
        var unique = UniqueOf(fileName);
        return unique.Length == fileName.Length ? fileName : new string(unique);
    }

    /// <summary>
    /// The unique part of a file's name, as a slice of it: where the name starts, before the <c>,U=</c> field and the
    /// info part (":2,..."). Every form above reads it here.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs per file at every look: see MaildirFolder.Adoption.cs
    private static ReadOnlySpan<char> UniqueOf(ReadOnlySpan<char> fileName)
    {
        var colon = fileName.IndexOf(':');
        var name = colon < 0 ? fileName : fileName[..colon];
        var u = name.IndexOf(",U=", StringComparison.Ordinal);
        return u < 0 ? name : name[..u];
    }

    /// <summary>The UID a name carries (<c>,U=</c> in the base name), or null; no string is made (asked of every file a folder adopts).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs per file at a first sight: see MaildirFolder.Adoption.cs
    public static uint? Uid(ReadOnlySpan<char> fileName)
    {
        var colon = fileName.IndexOf(':');
        var name = colon < 0 ? fileName : fileName[..colon];
        var u = name.IndexOf(",U=", StringComparison.Ordinal);
        if (u < 0)
        {
            return null;
        }

        var text = name[(u + 3)..];
        var end = text.IndexOf(',');
        return uint.TryParse(end < 0 ? text : text[..end], NumberStyles.None, CultureInfo.InvariantCulture, out var uid) ? uid : null;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs per file at a first sight: see MaildirFolder.Adoption.cs
    public static SystemFlags Flags(string fileName)
    {
        var info = fileName.IndexOf(":2,", StringComparison.Ordinal);
        if (info < 0)
        {
            return SystemFlags.None;
        }

        var flags = SystemFlags.None;
        foreach (var c in fileName.AsSpan(info + 3))
        {
            flags |= c switch
            {
                'D' => SystemFlags.Draft,
                'F' => SystemFlags.Flagged,
                'R' => SystemFlags.Answered,
                'S' => SystemFlags.Seen,
                'T' => SystemFlags.Deleted,
                _ => SystemFlags.None,
            };
        }

        return flags;
    }

    /// <summary>
    /// The path, relative to the folder, of a message in <c>new/</c> whose name carries its UID:
    /// <c>new/unique,U=uid</c> (no info part, as delivered).
    /// </summary>
    public static string NewPath(ReadOnlySpan<char> unique, uint uid) =>
        string.Create(CultureInfo.InvariantCulture, stackalloc char[256], $"new{Path.DirectorySeparatorChar}{unique},U={uid}");

    /// <summary>
    /// The path, relative to the folder, of a message in <c>cur/</c> whose name carries its UID and flags:
    /// <c>cur/unique,U=uid:2,FLAGS</c>, the system flags' letters in ASCII order, then the keyword letters. One string
    /// (a STORE makes one per message it renames).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs per message in a STORE: see MaildirFolder.Adoption.cs
    public static string CurPath(ReadOnlySpan<char> unique, uint uid, SystemFlags flags, string keywordLetters = "") =>
        string.Create(CultureInfo.InvariantCulture, stackalloc char[256], $"cur{Path.DirectorySeparatorChar}{unique},U={uid}:2,{SystemFlagLetters[LetterIndex(flags)]}{keywordLetters}");

    private static int LetterIndex(SystemFlags flags) =>
        ((flags & SystemFlags.Draft) != 0 ? 1 : 0)
        | ((flags & SystemFlags.Flagged) != 0 ? 2 : 0)
        | ((flags & SystemFlags.Answered) != 0 ? 4 : 0)
        | ((flags & SystemFlags.Seen) != 0 ? 8 : 0)
        | ((flags & SystemFlags.Deleted) != 0 ? 16 : 0);
}
