using MailKitServer.Runtime;

namespace MailKitServer.Storage.Maildir;

/// <summary>
/// Putting UIDs into the names of files another program wrote (<c>,U=</c>), so that a lost index is rebuilt with the
/// same UIDs. A few new files are renamed while they are adopted. Many at once (the first sight of a large Maildir
/// that Dovecot or mutt wrote: 20,000 renames took 1.3 of a first SELECT's 1.8 s, issue 24) are renamed in the
/// background instead, after their UIDs were made durable another way:
/// <list type="number">
/// <item>the marker file <c>mailkitserver.naming</c> is written durably ("some UIDs are only in the index");</item>
/// <item>the index, which lists every UID, is saved durably before any of those UIDs is given to a client;</item>
/// <item>the files are renamed in batches, each under the folder's gate and lock file (commands run in between);</item>
/// <item>once every name carries its UID, <c>new/</c> and <c>cur/</c> are fsynced and the marker is deleted.</item>
/// </list>
/// A crash anywhere in between loses nothing: with the index, the folder loads the same UIDs and the renames resume;
/// without it (lost or corrupt) while the marker is there, the UIDs of the files still unnamed are unknown, so the
/// folder takes a new UIDVALIDITY (RFC 3501 §2.3.1.1: UIDs must not change under the same UIDVALIDITY) and clients
/// resynchronize. Without the marker every UID a client saw is in a name, and a rebuild keeps the UIDVALIDITY.
/// </summary>
internal sealed partial class MaildirFolder
{
    private const string NamingFile = "mailkitserver.naming";

    /// <summary>Up to this many new files in one reconciliation are renamed at once (one rename is cheaper than an index save).</summary>
    private const int ImmediateNamingLimit = 64;

    /// <summary>Renames per hold of the folder's gate: long enough to be cheap, short enough for commands to run between.</summary>
    private const int NamingBatch = 500;

    /// <summary>The UIDs whose files still have to be renamed to carry them.</summary>
    private readonly Queue<uint> _unnamed = new();

    /// <summary>Whether this reconciliation adopted files to name later: the index is saved before the UIDs go out.</summary>
    private bool _saveBeforeNaming;

    private readonly FoldedBackgroundWork _naming;

    private string NamingMarker => System.IO.Path.Combine(Path, NamingFile);

    /// <summary>The name of a file once it carries its UID (in <c>new/</c> without an info part, as delivered).</summary>
    private static string NamedPath(string unique, uint uid, string relative)
    {
        var sub = relative[..3];
        return System.IO.Path.Combine(sub, sub == "new" ? $"{unique},U={uid}" : MaildirFileName.WithUidAndFlags(unique, uid, MaildirFileName.Flags(relative), MaildirFileName.KeywordLetters(relative)));
    }

    /// <summary>Step 1: the marker, written durably before any UID is recorded only in the index.</summary>
    private void BeginNamingLater()
    {
        if (!File.Exists(NamingMarker))
        {
            MaildirFiles.WriteDurably(NamingMarker, "UIDs of some files are only in the index; see MaildirFolder.Naming.cs\n");
        }

        _saveBeforeNaming = true;
    }

    /// <summary>Step 2 (the reconciliation ends with it, before its caller answers anyone): the index, durably; then the renames start.</summary>
    private void SaveAndNameLater()
    {
        if (!_saveBeforeNaming)
        {
            return;
        }

        _saveBeforeNaming = false;
        Save();
        NameLater();
    }

    /// <summary>
    /// Whether the last naming was cut short and the index is gone or damaged: the files still unnamed had UIDs that
    /// nobody knows any more, so the folder's UIDVALIDITY must change.
    /// </summary>
    private bool NamingLostItsIndex() => File.Exists(NamingMarker) && MaildirIndexFile.Read(Path) is null or { Corrupt: true };

    /// <summary>On load: a naming a crash or a stop cut short goes on (the marker is there).</summary>
    private void ResumeNaming()
    {
        if (!File.Exists(NamingMarker))
        {
            return;
        }

        foreach (var m in _messages)
        {
            if (MaildirFileName.Uid(m.RelativePath) != m.Uid)
            {
                _unnamed.Enqueue(m.Uid);
            }
        }

        NameLater();
    }

    /// <summary>Steps 3 and 4, in the background: a batch of renames per hold of the gate until none is left.</summary>
    private void NameLater() => _naming.Request();

    /// <summary>Every batch, one after the other; a request while they run is taken by them (the queue is theirs).</summary>
    private async Task NameAllAsync(FoldedBackgroundWork request)
    {
        try
        {
            while (await WithLockAsync(NameSome, save: true, deferVerify: true, CancellationToken.None).ConfigureAwait(false))
            {
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The folder went away, or a file cannot be renamed: the marker stays, the next load tries again.
        }
        finally
        {
            request.Take();
        }
    }

    /// <summary>Renames one batch; returns whether there is more to do.</summary>
    private bool NameSome()
    {
        var missed = false;
        for (var i = 0; i < NamingBatch && _unnamed.TryDequeue(out var uid); i++)
        {
            if (Find(uid) is not { } entry || MaildirFileName.Uid(entry.RelativePath) == uid)
            {
                continue; // expunged, or renamed with its UID meanwhile (a flag change)
            }

            var target = NamedPath(entry.Unique, uid, entry.RelativePath);
            try
            {
                RenameOwn(entry.RelativePath, target);
                entry.RelativePath = target;
            }
            catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
            {
                // Another program moved or removed it; the next reconciliation finds out, the next load names it.
                missed = true;
            }
        }

        if (_unnamed.Count > 0)
        {
            return true;
        }

        // What another program did in new/ or cur/ while the batches renamed is looked for once, now.
        VerifyLater();

        if (!missed && _messages.TrueForAll(m => MaildirFileName.Uid(m.RelativePath) == m.Uid))
        {
            // Step 4: the renames are durable before the marker goes.
            NativeFileSystem.SyncDirectory(System.IO.Path.Combine(Path, "cur"));
            NativeFileSystem.SyncDirectory(System.IO.Path.Combine(Path, "new"));
            File.Delete(NamingMarker);
        }

        return false;
    }
}
