using System.Runtime.CompilerServices;

namespace MailKitServer.Storage.Maildir;

/// <summary>
/// The folder's adoption of files its index does not know (another program's, or all of them when the index was lost):
/// at the first sight of a Maildir of 20,000 files, once per file before the answer (issue 24), so it makes as little
/// as it can per file: no set of the UIDs taken when no file carries one, no list of tuples, the lists sized once.
/// The methods that run once per file then (here, the name parsing, the index write, the view's snapshot) are compiled
/// optimized at their first call (<see cref="MethodImplOptions.AggressiveOptimization"/>): otherwise the first sight
/// ran them as unoptimized tier-0 code (and compiled each loop twice, tier 0 then on-stack replacement), and the
/// compilations and page faults of that were a large part of the 20,000-file SELECT.
/// </summary>
internal sealed partial class MaildirFolder
{
    /// <summary>
    /// Adds the files the index does not know. When rebuilding a lost index, the UIDs their names carry are kept;
    /// otherwise (and for files without one, or whose UID is taken) they get the next UIDs, and their names are
    /// updated to carry them: at once for a few files, after the index was saved for many (see
    /// MaildirFolder.Naming.cs). Returns whether there were any.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs per file at a first sight: see MaildirFolder.Adoption.cs
    private bool AdoptUnknown(HashSet<string> onDisk)
    {
        if (onDisk.Count == 0)
        {
            return false;
        }

        var order = AdoptionOrder.Of(onDisk);
        var count = order.Paths.Length;
        var later = count > ImmediateNamingLimit;
        if (later)
        {
            BeginNamingLater();
            _unnamed.EnsureCapacity(_unnamed.Count + count);
        }

        ReserveModSeqs(count);
        _messages.EnsureCapacity(_messages.Count + count);
        var saveDate = DateTimeOffset.UtcNow;

        // The UIDs in use, only while files that carry one are adopted: they come first, and every UID given after them
        // is UIDNEXT, above all of these.
        HashSet<uint>? taken = null;
        using var directories = OpenDirectories(); // opened only if a file is renamed now (a few files: see Naming)
        for (var i = 0; i < count; i++)
        {
            var relative = order.Paths[i];
            var keep = false;
            if (i < order.Named)
            {
                taken ??= [.. _messages.ConvertAll(m => m.Uid)];
                var n = order.Uids[i];
                keep = !taken.Contains(n) && (_rebuilding || n >= UidNext);
            }

            var uid = keep ? order.Uids[i] : UidNext;
            var path = relative;
            if (!keep && later)
            {
                _unnamed.Enqueue(uid);
            }
            else if (!keep)
            {
                path = NamedPath(uid, relative);
                RenameOwn(relative, path, directories);
            }

            taken?.Add(uid);
            Adopt(relative, path, uid, saveDate);
        }

        return true;
    }

    /// <summary>
    /// Adds one file. What the index did not know yet comes from the file: keywords from the letters in its name, the
    /// size from its name when it carries one (,S=); the internal date (its mtime and the zone in its name), a size the
    /// name does not carry and the EMAILID (a hash of the unique name) are worked out when first asked for (see
    /// MaildirEntry): not here, for 20,000 files.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs per file at a first sight: see MaildirFolder.Adoption.cs
    private void Adopt(string found, string path, uint uid, DateTimeOffset saveDate)
    {
        var entry = new MaildirEntry
        {
            Uid = uid, RelativePath = path, Flags = MaildirFileName.Flags(found),
            Keywords = found.StartsWith("cur/", StringComparison.Ordinal) ? Keywords.FromFileName(path) : [],
        };
        if (MaildirFileName.Size(entry.UniquePart) is { } size)
        {
            entry.KnowSize(size);
        }

        Add(entry, origin: 0, saveDate);
    }

    /// <summary>
    /// The new files (paths relative to the folder) in the order they get UIDs, with the UIDs their names carry: the
    /// <see cref="Named"/> first, whose names carry a UID, by it (then by unique part); then the others by unique part
    /// (the order Dovecot gives files it has no record of), ordinally.
    /// </summary>
    private readonly record struct AdoptionOrder(string[] Paths, uint[] Uids, int Named)
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs per file at a first sight: see MaildirFolder.Adoption.cs
        public static AdoptionOrder Of(HashSet<string> onDisk)
        {
            var count = onDisk.Count;
            var (paths, uids) = (new string[count], new uint[count]);
            int named = 0, unnamed = count;
            foreach (var relative in onDisk)
            {
                if (MaildirFileName.Uid(relative) is { } uid)
                {
                    (paths[named], uids[named]) = (relative, uid);
                    named++;
                }
                else
                {
                    paths[--unnamed] = relative;
                }
            }

            // By the unique parts as strings made for the sort (garbage after it; the entries keep none): the runtime's
            // sort of two string arrays runs compiled ahead of time, where a sort of keys of our own type was compiled at
            // the first sight (tier 0 first), and a comparer that finds each unique part at every comparison took three
            // times as long over 20,000 files (issue 24).
            var uniques = new string[count];
            for (var i = named; i < count; i++)
            {
                uniques[i] = new string(MaildirFileName.UniquePart(paths[i]));
            }

            Array.Sort(uniques, paths, named, count - named, StringComparer.Ordinal);
            if (named > 1)
            {
                // Few, usually (files whose index entry was lost): by UID, then by unique part.
                var byUid = Enumerable.Range(0, named).ToArray();
                Array.Sort(byUid, (a, b) => uids[a] != uids[b] ? uids[a].CompareTo(uids[b]) : MaildirUniquePartComparer.Instance.Compare(paths[a], paths[b]));
                var (p, n) = (byUid.Select(i => paths[i]).ToArray(), byUid.Select(i => uids[i]).ToArray());
                p.CopyTo(paths, 0);
                n.CopyTo(uids, 0);
            }

            return new AdoptionOrder(paths, uids, named);
        }
    }
}
