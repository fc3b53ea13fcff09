namespace MailKitServer.Storage.Maildir;

/// <summary>The folder's reconciliation of its index with the files in new/ and cur/.</summary>
internal sealed partial class MaildirFolder
{
    /// <summary>
    /// How long after a command changed new/ or cur/ the folder looks at its files again (see
    /// <see cref="RememberStamps"/>): once per this interval at most, however many commands changed them meanwhile. Real
    /// time, as <see cref="SaveDelay"/>.
    /// </summary>
    private static readonly TimeSpan VerifyDelay = TimeSpan.FromMilliseconds(200);

    private DirectoryStamps _stamps;
    private readonly FoldedBackgroundWork _verify;

    /// <summary>Whether the index is being rebuilt from the files (it was lost or corrupt): the UIDs in their names are kept.</summary>
    private bool _rebuilding;

    /// <summary>Whether the folder looked at its files during the current hold of the gate (one look per hold is enough).</summary>
    private bool _reconciledInHold;

    /// <summary>Whether new/ or cur/ changed since the folder last looked (their modification times): what polling asks.</summary>
    public bool ChangedOnDisk() => ReadStamps() != _stamps;

    /// <summary>
    /// Loads the index on first use and, when new/ or cur/ changed since this process last looked (their mtimes),
    /// reconciles it with the files: new files get UIDs, vanished ones are expunged, renamed ones are found again.
    /// <paramref name="seen"/> are the directories' stamps the caller just read (no second look at them).
    /// </summary>
    private void Refresh(DirectoryStamps seen)
    {
        if (!_loaded)
        {
            Load();
            _loaded = true;
            ResumeNaming();

            // What the first reconciliation finds was already counted by the account's usage scan.
            MaildirQuota.WithoutCounting(Reconcile);
            return;
        }

        if (seen != _stamps)
        {
            Reconcile();
        }
    }

    /// <summary>Looks at the files unless this hold of the gate already did (a refresh found the stamps changed): a background look's action.</summary>
    private int LookAgain()
    {
        if (!_reconciledInHold)
        {
            Reconcile();
        }

        return 0;
    }

    /// <summary>How often the folder looked at its files (scanned new/ and cur/), for tests and diagnostics.</summary>
    public int Looks { get; private set; }

    private void Reconcile()
    {
        _reconciledInHold = true;
        Looks++;
        Keywords.Refresh();
        ForgetLocated();
        var onDisk = ScanFiles();
        var changed = MatchKnown(onDisk);
        changed |= AdoptUnknown(onDisk);
        _rebuilding = false;
        _messages.Sort((a, b) => a.Uid.CompareTo(b.Uid));
        SaveAndNameLater();
        if (changed)
        {
            ScheduleSave();
        }
    }

    /// <summary>
    /// The message files in new/ and cur/, by their unique part (dot files are not messages). Two strings per file,
    /// made from the directory entry's name (no full path, no name and base-name copies): a folder of 20,000 files is
    /// scanned at its first sight and whenever its directories changed.
    /// </summary>
    private Dictionary<string, string> ScanFiles()
    {
        var onDisk = new Dictionary<string, string>(_messages.Count, StringComparer.Ordinal);
        foreach (var sub in new[] { "new/", "cur/" })
        {
            var dir = System.IO.Path.Combine(Path, sub);
            if (!Directory.Exists(dir))
            {
                continue;
            }

            var files = new System.IO.Enumeration.FileSystemEnumerable<(string Unique, string Relative)>(
                dir,
                (ref System.IO.Enumeration.FileSystemEntry e) => (MaildirFileName.Unique(e.FileName), string.Concat(sub, e.FileName)))
            {
                ShouldIncludePredicate = (ref System.IO.Enumeration.FileSystemEntry e) => !e.IsDirectory && !e.FileName.StartsWith('.'),
            };
            foreach (var (unique, relative) in files)
            {
                onDisk[unique] = relative;
            }
        }

        return onDisk;
    }

    /// <summary>
    /// Finds the indexed messages among the files (taking them out of <paramref name="onDisk"/>): renamed ones get
    /// their new path and the flags their name now says; vanished ones are expunged. Returns whether anything changed.
    /// </summary>
    private bool MatchKnown(Dictionary<string, string> onDisk)
    {
        var changed = false;
        var vanished = new HashSet<uint>();
        foreach (var entry in _messages)
        {
            if (!onDisk.Remove(entry.Unique, out var path))
            {
                vanished.Add(entry.Uid);
            }
            else if (path != entry.RelativePath)
            {
                Renamed(entry, path);
                changed = true;
            }
        }

        if (vanished.Count > 0)
        {
            Remove(m => vanished.Contains(m.Uid), origin: 0);
            changed = true;
        }

        return changed;
    }

    private void Renamed(MaildirEntry entry, string path)
    {
        entry.RelativePath = path;
        var flags = MaildirFileName.Flags(path);
        var keywords = Keywords.FromFileName(path).Concat(entry.Keywords.Where(k => !Keywords.HasLetter(k))).ToArray();
        if (path.StartsWith("cur", StringComparison.Ordinal) && (flags != entry.Flags || !keywords.Order(StringComparer.OrdinalIgnoreCase).SequenceEqual(entry.Keywords.Order(StringComparer.OrdinalIgnoreCase), StringComparer.OrdinalIgnoreCase)))
        {
            // Changed by another program (mutt, Dovecot), or by this one before a crash: the file name is the truth for
            // system flags and for the keywords that have letters.
            entry.Flags = flags;
            entry.Keywords = keywords;
            entry.ModSeq = NextModSeq();
            Publish(new MailboxChange(MailboxChangeKind.FlagsChanged, entry.ToInfo(), entry.Uid, HighestModSeq, 0));
        }
    }

    /// <summary>
    /// Adds the files the index does not know. When rebuilding a lost index, the UIDs their names carry are kept;
    /// otherwise (and for files without one, or whose UID is taken) they get the next UIDs, and their names are
    /// updated to carry them: at once for a few files, after the index was saved for many (see
    /// MaildirFolder.Naming.cs). Returns whether there were any.
    /// </summary>
    private bool AdoptUnknown(Dictionary<string, string> onDisk)
    {
        if (onDisk.Count == 0)
        {
            return false;
        }

        var taken = _messages.Select(m => m.Uid).ToHashSet();
        var unknown = InAdoptionOrder(onDisk);
        var later = unknown.Count > ImmediateNamingLimit;
        if (later)
        {
            BeginNamingLater();
        }

        ReserveModSeqs(unknown.Count);
        foreach (var (unique, relative, named) in unknown)
        {
            var keep = named is { } n && !taken.Contains(n) && (_rebuilding || n >= UidNext);
            var uid = keep ? named!.Value : UidNext;
            var path = relative;
            var flags = MaildirFileName.Flags(relative);
            var sub = relative[..3];
            if (!keep && later)
            {
                _unnamed.Enqueue(uid);
            }
            else if (!keep)
            {
                path = NamedPath(unique, uid, relative);
                RenameOwn(relative, path);
            }

            taken.Add(uid);

            // What the index did not know yet comes from the file: keywords from the letters in its name, the size from
            // its name when it carries one (,S=); the internal date (its mtime and the zone in its name) and a size the
            // name does not carry are read when first asked for (see MaildirEntry): not here, for 20,000 files.
            var entry = new MaildirEntry
            {
                Uid = uid, Unique = unique, RelativePath = path, Flags = flags, Keywords = sub == "cur" ? Keywords.FromFileName(path) : [],
                EmailId = MaildirEntry.EmailIdOf(unique),
            };
            if (MaildirFileName.Size(unique) is { } size)
            {
                entry.KnowSize(size);
            }

            Add(entry, origin: 0);
        }

        return true;
    }

    /// <summary>
    /// The new files in the order they get UIDs: those whose names carry one by it, then the others by unique name (the
    /// order Dovecot gives files it has no record of). The unnamed ones are sorted as two string arrays (one ordinal
    /// compare per step): an ordered LINQ query over tuples (a key array per key, a map, two comparers per step) was an
    /// eighth of a first SELECT of 20,000 foreign files (issue 24).
    /// </summary>
    private static List<(string Unique, string RelativePath, uint? Named)> InAdoptionOrder(Dictionary<string, string> onDisk)
    {
        var named = new List<(uint Uid, string Unique, string RelativePath)>();
        var uniques = new string[onDisk.Count];
        var paths = new string[onDisk.Count];
        var count = 0;
        foreach (var (unique, relative) in onDisk)
        {
            if (MaildirFileName.Uid(relative) is { } uid)
            {
                named.Add((uid, unique, relative));
            }
            else
            {
                uniques[count] = unique;
                paths[count++] = relative;
            }
        }

        named.Sort(static (a, b) => a.Uid != b.Uid ? a.Uid.CompareTo(b.Uid) : string.CompareOrdinal(a.Unique, b.Unique));
        Array.Sort(uniques, paths, 0, count, StringComparer.Ordinal);
        var result = new List<(string, string, uint?)>(onDisk.Count);
        result.AddRange(named.Select(f => (f.Unique, f.RelativePath, (uint?)f.Uid)));
        for (var i = 0; i < count; i++)
        {
            result.Add((uniques[i], paths[i], null));
        }

        return result;
    }

    /// <summary>The modification times of new/ and cur/ now.</summary>
    private DirectoryStamps ReadStamps() =>
        new(Directory.GetLastWriteTimeUtc(System.IO.Path.Combine(Path, "new")), Directory.GetLastWriteTimeUtc(System.IO.Path.Combine(Path, "cur")));

    /// <summary>
    /// After a command held the lock: <paramref name="before"/> are the stamps read before the folder looked at its
    /// files. When the directories changed since, the change may be another program's that the command's look missed
    /// (a delivery agent writes into new/ without our lock file), not only the command's own, and the stamps remembered
    /// now include it: the folder looks at its files again, in the background and shortly after (a delivery run must
    /// not scan the folder once per message), so nothing dropped in meanwhile waits for the next change to be seen.
    /// Changes made by the background naming are verified once, when it ends; a command during which the store's
    /// watcher watched the folder throughout needs no verifying: another program's change reaches the folder as the
    /// watcher's event about a name the folder did not expect (<see cref="MaildirOwnChanges"/>). Both: <paramref name="skipVerify"/>.
    /// </summary>
    private void RememberStamps(DirectoryStamps before, bool skipVerify)
    {
        _stamps = ReadStamps();
        if (_stamps != before && !skipVerify)
        {
            VerifyLater();
        }
    }

    /// <summary>Reconciles the folder with its files once, <see cref="VerifyDelay"/> from now (requests meanwhile are folded in).</summary>
    private void VerifyLater()
    {
        if (!_deleted)
        {
            _verify.Request();
        }
    }

    private async Task VerifyAsync(FoldedBackgroundWork request)
    {
        request.Take();
        try
        {
            await WithLockAsync(LookAgain, save: false, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The folder is going away (deleted or renamed).
        }
    }

    /// <summary>The modification times of a folder's new/ and cur/.</summary>
    private readonly record struct DirectoryStamps(DateTime New, DateTime Cur);
}
