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

    /// <summary>
    /// How long after a command on the folder the naming waits before its next batch. A batch holds the gate (a FETCH
    /// waits for it at every message) and renames the files a command reads: the first FETCH after the first SELECT of a
    /// 20,000-message Maildir ran beside 20,000 renames (issue 24).
    /// </summary>
    private const long NamingQuietMs = 100;

    /// <summary>The longest a batch waits for a pause between commands: under commands without one, a batch still runs this often, so the naming ends.</summary>
    private const long NamingPatienceMs = 500;

    /// <summary>When a command last started or ended on the folder (<see cref="Environment.TickCount64"/>).</summary>
    private long _lastCommand;

    /// <summary>The UIDs whose files still have to be renamed to carry them.</summary>
    private readonly Queue<uint> _unnamed = new();

    /// <summary>Whether this reconciliation adopted files to name later: the index is saved before the UIDs go out.</summary>
    private bool _saveBeforeNaming;

    private readonly FoldedBackgroundWork _naming;

    private string NamingMarker => System.IO.Path.Combine(Path, NamingFile);

    /// <summary>The name of a file once it carries its UID (in <c>new/</c> without an info part, as delivered).</summary>
    private static string NamedPath(uint uid, string relative)
    {
        var unique = MaildirFileName.UniquePart(relative);
        return relative.StartsWith("new", StringComparison.Ordinal)
            ? MaildirFileName.NewPath(unique, uid)
            : MaildirFileName.CurPath(unique, uid, MaildirFileName.Flags(relative), MaildirFileName.KeywordLetters(relative));
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

    /// <summary>How often a naming batch waited for commands to pause (for tests and diagnostics).</summary>
    public int NamingWaits { get; private set; }

    /// <summary>How many files the naming renamed (for tests and diagnostics: none twice).</summary>
    public int NamingRenames { get; private set; }

    /// <summary>
    /// Steps 3 and 4, in the background: a batch of renames per hold of the gate until none is left. Asked for during a
    /// command (the one that adopted the files, or loaded the folder), which counts as one: the first batch waits for the
    /// commands that follow it (a first FETCH) to pause.
    /// </summary>
    private void NameLater()
    {
        CommandRan();
        _naming.Request();
    }

    /// <summary>A command started or ended on the folder: the naming's next batch waits (see <see cref="NamingQuietMs"/>).</summary>
    private void CommandRan() => Volatile.Write(ref _lastCommand, Environment.TickCount64);

    /// <summary>Waits until no command started or ended on the folder for <see cref="NamingQuietMs"/>, <see cref="NamingPatienceMs"/> at most.</summary>
    private async Task MakeWayForCommandsAsync()
    {
        var start = Environment.TickCount64;
        var waited = false;
        while (true)
        {
            var now = Environment.TickCount64;
            var quiet = now - Volatile.Read(ref _lastCommand);
            var patience = NamingPatienceMs - (now - start);
            if (quiet >= NamingQuietMs || patience <= 0)
            {
                return;
            }

            if (!waited)
            {
                waited = true;
                NamingWaits++;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(NamingQuietMs - quiet, patience))).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Every batch, one after the other, each after commands paused; a request while they run is taken by them (the
    /// queue is theirs). The index is saved once, after the last batch: its paths are a cache (a load finds a renamed
    /// file by its unique name), and a save per batch wrote 20,000 lines each time.
    /// </summary>
    private async Task NameAllAsync(FoldedBackgroundWork request)
    {
        try
        {
            do
            {
                await MakeWayForCommandsAsync().ConfigureAwait(false);
            }
            while (await WithLockAsync(NameSome, save: false, deferVerify: true, CancellationToken.None).ConfigureAwait(false));
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
        using var directories = OpenDirectories();
        for (var i = 0; i < NamingBatch && _unnamed.TryDequeue(out var uid); i++)
        {
            if (Find(uid) is not { } entry || MaildirFileName.Uid(entry.RelativePath) == uid)
            {
                continue; // expunged, or renamed with its UID meanwhile (a flag change)
            }

            var target = NamedPath(uid, entry.RelativePath);
            try
            {
                RenameOwn(entry.RelativePath, target, directories);
                entry.RelativePath = target;
                NamingRenames++;
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

        // What another program did in new/ or cur/ while the batches renamed is looked for once, now; the new paths saved.
        VerifyLater();
        ScheduleSave();

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
