using System.Runtime.CompilerServices;

namespace MailKitServer.Storage.Maildir;

/// <summary>
/// Compares paths relative to a folder (<c>new/…</c>, <c>cur/…</c>) by the unique part of their names, ordinally: two
/// names of one message are equal. A folder's look at its files keeps a set of the paths found with this comparer
/// instead of a map from a second string per file (its unique part) to the path (issue 24).
/// </summary>
internal sealed class MaildirUniquePartComparer : IEqualityComparer<string>, IComparer<string>
{
    public static readonly MaildirUniquePartComparer Instance = new();

    private MaildirUniquePartComparer()
    {
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs per file at every look: see MaildirFolder.Adoption.cs
    public bool Equals(string? x, string? y) =>
        ReferenceEquals(x, y) || (x is not null && y is not null && MaildirFileName.UniquePart(x).SequenceEqual(MaildirFileName.UniquePart(y)));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs per file at every look: see MaildirFolder.Adoption.cs
    public int GetHashCode(string obj) => string.GetHashCode(MaildirFileName.UniquePart(obj));

    /// <summary>The order of the unique parts as strings compared ordinally (the order new files get UIDs in).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs per file at a first sight: see MaildirFolder.Adoption.cs
    public int Compare(string? x, string? y) =>
        ReferenceEquals(x, y) ? 0 : x is null ? -1 : y is null ? 1 : MaildirFileName.UniquePart(x).SequenceCompareTo(MaildirFileName.UniquePart(y));
}
