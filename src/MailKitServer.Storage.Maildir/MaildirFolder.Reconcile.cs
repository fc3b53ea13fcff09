using System.Runtime.CompilerServices;

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
        var duplicates = new List<string>(0);
        var onDisk = ScanFiles(duplicates);
        MendDuplicates(onDisk, duplicates);
        var changed = MatchKnown(onDisk);
        changed |= AdoptUnknown(onDisk);
        _rebuilding = false;
        SortByUid();
        SaveAndNameLater();
        if (changed)
        {
            ScheduleSave();
        }
    }

    /// <summary>
    /// The message files in new/ and cur/ (dot files are not messages), as paths relative to the folder in a set that
    /// tells them by their unique part (<see cref="MaildirUniquePartComparer"/>). One string per file, made from the
    /// directory entry's name (no full path, no second string for the unique part): a folder of 20,000 files is
    /// scanned at its first sight and whenever its directories changed. A second name with a unique part already
    /// taken goes to <paramref name="duplicates"/> (see MaildirFolder.Duplicates.cs).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs per file at a first sight: see MaildirFolder.Adoption.cs
    private HashSet<string> ScanFiles(List<string>? duplicates)
    {
        var onDisk = new HashSet<string>(_messages.Count, MaildirUniquePartComparer.Instance);
        foreach (var sub in new[] { "new/", "cur/" })
        {
            var dir = System.IO.Path.Combine(Path, sub);
            if (!Directory.Exists(dir))
            {
                continue;
            }

            // Strings out (not tuples): the runtime's own code for string results runs compiled ahead of time, where a
            // tuple result had the enumerator compiled for it, and run unoptimized at first, at the first sight.
            var files = new System.IO.Enumeration.FileSystemEnumerable<string>(dir, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (ref System.IO.Enumeration.FileSystemEntry e) => string.Concat(sub, e.FileName))
            {
                ShouldIncludePredicate = [MethodImpl(MethodImplOptions.AggressiveOptimization)] static (ref System.IO.Enumeration.FileSystemEntry e) => !e.IsDirectory && !e.FileName.StartsWith('.'),
            };
            foreach (var relative in files)
            {
                if (!onDisk.Add(relative))
                {
                    duplicates?.Add(relative);
                }
            }
        }

        return onDisk;
    }

    /// <summary>
    /// Finds the indexed messages among the files (taking them out of <paramref name="onDisk"/>): renamed ones get
    /// their new path and the flags their name now says; vanished ones are expunged. Returns whether anything changed.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs per file at a first sight: see MaildirFolder.Adoption.cs
    private bool MatchKnown(HashSet<string> onDisk)
    {
        var changed = false;
        var vanished = new HashSet<uint>();
        foreach (var entry in _messages)
        {
            // The set finds the file by the unique part of the path the entry knows.
            if (!onDisk.TryGetValue(entry.RelativePath, out var path))
            {
                vanished.Add(entry.Uid);
                continue;
            }

            onDisk.Remove(path);
            if (path != entry.RelativePath)
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

    /// <summary>Sorts the messages by UID unless they are in order already (the usual case: new files get ascending UIDs).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs per file at a first sight: see MaildirFolder.Adoption.cs
    private void SortByUid()
    {
        for (var i = 1; i < _messages.Count; i++)
        {
            if (_messages[i - 1].Uid > _messages[i].Uid)
            {
                _messages.Sort(static (a, b) => a.Uid.CompareTo(b.Uid));
                return;
            }
        }
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
            await WithLockAsync(LookAgain, save: false, deferVerify: false, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The folder is going away (deleted or renamed).
        }
    }

    /// <summary>The modification times of a folder's new/ and cur/.</summary>
    private readonly record struct DirectoryStamps(DateTime New, DateTime Cur);
}
