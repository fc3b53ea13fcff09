using MailKitServer.Runtime;

namespace MailKitServer.Storage.Maildir;

/// <summary>
/// The folder's own changes to the files in new/ and cur/ (renames, deletions, files placed): each is told to
/// <see cref="OwnChanges"/> before it is made, so that the store's watcher does not take its events for another
/// program's (issue 24).
/// </summary>
internal sealed partial class MaildirFolder
{
    /// <summary>The names of this folder's own changes, so that the watcher's events about them are not taken for another program's.</summary>
    public MaildirOwnChanges OwnChanges { get; } = new();

    /// <summary>The folder's <c>new/</c> and <c>cur/</c> for one batch of renames or deletions under the gate (dispose it at the batch's end).</summary>
    public MaildirDirectories OpenDirectories() => new(Path);

    /// <summary>
    /// Renames one of the folder's files, telling the watcher first (<see cref="OwnChanges"/>). One rename(2): File.Move
    /// without overwrite moves by link and unlink (twice the work, felt in a STORE over 20,000 messages) and with it looks
    /// at the source first; relative to the directories of the batch (renameat(2)), not by whole paths. Message file
    /// names are unique: nothing is replaced.
    /// </summary>
    private void RenameOwn(string from, string to, MaildirDirectories directories)
    {
        OwnChanges.Expect(from, to);
        try
        {
            directories.Rename(from, to);
        }
        catch
        {
            // Another program moved or removed the file: its event may have been taken for ours meanwhile.
            OwnChanges.Forget(from);
            OwnChanges.Forget(to);
            NoticeForeignChange();
            throw;
        }
    }

    /// <summary>
    /// Deletes one of the folder's files, telling the watcher first (<see cref="OwnChanges"/>); relative to the
    /// directories of the batch (unlinkat(2)).
    /// </summary>
    /// <returns>Whether it was deleted; false when it was gone already (another program) or not removable: then no event of ours comes.</returns>
    private bool DeleteOwn(string relative, MaildirDirectories directories)
    {
        OwnChanges.Expect(relative);
        if (directories.TryDelete(relative))
        {
            return true;
        }

        OwnChanges.Forget(relative);
        return false;
    }

    /// <summary>
    /// Deletes a batch of the folder's files (an EXPUNGE's), telling the watcher first; a large batch from several
    /// threads (<see cref="MaildirBatchDeletion"/>). A file gone already (another program) or not removable is
    /// forgotten again, as <see cref="DeleteOwn(string, MaildirDirectories)"/> does.
    /// </summary>
    private void DeleteOwn(List<MaildirEntry> entries, MaildirDirectories directories)
    {
        foreach (var m in entries)
        {
            OwnChanges.Expect(m.RelativePath);
        }

        var deleted = MaildirBatchDeletion.Run(entries.Count, i => directories.TryDelete(entries[i].RelativePath));
        for (var i = 0; i < entries.Count; i++)
        {
            if (!deleted[i])
            {
                OwnChanges.Forget(entries[i].RelativePath);
            }
        }
    }

    /// <summary>
    /// Puts a file written elsewhere (<c>tmp/</c>, another folder) at <paramref name="relative"/> in this folder: renamed,
    /// or linked (copied where the file system cannot link) when <paramref name="link"/>. The caller then adds it.
    /// </summary>
    public void Place(string source, string relative, bool link)
    {
        OwnChanges.Expect(relative);
        try
        {
            if (link)
            {
                NativeFileSystem.LinkOrCopy(source, System.IO.Path.Combine(Path, relative));
            }
            else
            {
                NativeFileSystem.Rename(source, System.IO.Path.Combine(Path, relative));
            }
        }
        catch
        {
            OwnChanges.Forget(relative);
            throw;
        }
    }
}
