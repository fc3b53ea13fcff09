using System.Runtime.CompilerServices;

namespace MailKitServer.Storage.Maildir;

/// <summary>
/// The facts of a message the folder reads from its file only when first asked for (size, internal date: see
/// <see cref="MaildirEntry"/>), and the counters that depend on them.
/// </summary>
internal sealed partial class MaildirFolder
{
    private readonly Lock _locateLock = new();

    /// <summary>Where the files were at the last look for a moved one, and the directories' stamps then.</summary>
    private (DirectoryStamps Stamps, HashSet<string> Files)? _located;

    /// <summary>The last <see cref="Snapshot"/> made, handed out again while every message is as it was then.</summary>
    private MessageInfo[] _snapshot = [];

    /// <summary>
    /// The messages as a view starts from them. One array shared by every view opened while nothing changed: each SELECT
    /// of a 20,000-message folder made an array of 160 KB (a large object, fresh pages) and filled it (issue 24: the
    /// "SELECT once" row). Whether nothing changed is told by the messages themselves, not by a record of changes: an
    /// entry hands out the same <see cref="MessageInfo"/> until one of its facts changes (<see cref="MaildirEntry.ToInfo"/>),
    /// so the last array is still right when it holds, in order, the info every entry gives now. Views only read it.
    /// Called under the gate.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs per file at a first sight: see MaildirFolder.Adoption.cs
    public MessageInfo[] Snapshot()
    {
        var snapshot = _snapshot;
        var same = snapshot.Length == _messages.Count;
        for (var i = 0; same && i < snapshot.Length; i++)
        {
            same = ReferenceEquals(snapshot[i], _messages[i].ToInfo());
        }

        if (same)
        {
            return snapshot;
        }

        snapshot = new MessageInfo[_messages.Count];
        for (var i = 0; i < snapshot.Length; i++)
        {
            snapshot[i] = _messages[i].ToInfo();
        }

        _snapshot = snapshot;
        return snapshot;
    }

    /// <summary>The folder's counters (STATUS).</summary>
    public MailboxStatus Status() => Status(null);

    /// <summary>
    /// The folder's counters. While some sizes are still to be read from the files the total is summed when first
    /// asked for (STATUS SIZE), over the messages of now (<paramref name="snapshot"/>, a view's, when given: no second
    /// array of them): a SELECT does not need it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs per file at a first sight: see MaildirFolder.Adoption.cs
    public MailboxStatus Status(MessageInfo[]? snapshot)
    {
        int unseen = 0, deleted = 0;
        long size = 0;
        var sized = true;
        foreach (var m in _messages)
        {
            unseen += (m.Flags & SystemFlags.Seen) == 0 ? 1 : 0;
            deleted += (m.Flags & SystemFlags.Deleted) != 0 ? 1 : 0;
            sized = sized && m.KnownSize is not null;
            size += sized ? m.Size : 0;
        }

        if (sized)
        {
            return new(Name, _messages.Count, unseen, UidValidity, UidNext, HighestModSeq, size, deleted);
        }

        if (snapshot is not null)
        {
            return new(Name, _messages.Count, unseen, UidValidity, UidNext, HighestModSeq, () => SumSizes(snapshot), deleted);
        }

        var entries = _messages.ToArray();
        return new(Name, _messages.Count, unseen, UidValidity, UidNext, HighestModSeq, () => entries.Sum(m => m.Size), deleted);
    }

    private static long SumSizes(MessageInfo[] messages)
    {
        long size = 0;
        foreach (var m in messages)
        {
            size += m.Size;
        }

        return size;
    }

    /// <summary>
    /// An entry read a size or a date from its file: the index keeps it from its next save (the next change's, or the
    /// store's flush when it stops), not a save of its own. The index is a cache and the file still has the facts; a
    /// save per read burst wrote the whole index of 20,000 lines every 200 ms while a first SEARCH TEXT read the files.
    /// </summary>
    public void FactsLearned() => _dirty = true;

    /// <summary>
    /// Where a message file is now, by the unique part of <paramref name="lastSeen"/> (its path when the folder last saw
    /// it), when it is no longer there (another program renamed it, and the folder has not reconciled since): relative
    /// to the folder, or null when it is gone.
    /// Called without the folder's gate; one look at the directories serves every file moved before it (a program that
    /// renamed all 20,000 must not cost a directory scan per file), until they change again or the folder reconciles.
    /// </summary>
    public string? LocateFile(string lastSeen)
    {
        lock (_locateLock)
        {
            var stamps = ReadStamps();
            if (_located is not { } located || located.Stamps != stamps)
            {
                located = (stamps, ScanFiles(duplicates: null));
                _located = located;
            }

            return located.Files.TryGetValue(lastSeen, out var relative) ? relative : null;
        }
    }

    /// <summary>The folder reconciles (its entries get their files' paths): the last look for moved files is not needed.</summary>
    private void ForgetLocated()
    {
        lock (_locateLock)
        {
            _located = null;
        }
    }
}
