using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace MailKitServer.Storage.Maildir;

/// <summary>
/// The change feeds of a folder's open views: every change is written to each of them. While at least one view is
/// open the store's watcher watches the folder, so files another program drops in or renames are noticed at once
/// (IDLE included) rather than at the session's next command.
/// </summary>
internal sealed class MaildirChangeFeed(MaildirFolder folder, MaildirChangeWatcher watcher)
{
    private readonly List<(long ViewId, ChannelWriter<MailboxChange> Writer)> _views = [];

    /// <summary><c>_views.Count</c>, written under the lock and read without it (<see cref="HasViews"/>).</summary>
    private volatile int _count;

    public void Attach(long viewId, ChannelWriter<MailboxChange> writer)
    {
        lock (_views)
        {
            _views.Add((viewId, writer));
            _count = _views.Count;
            if (_views.Count == 1)
            {
                watcher.Watch(folder);
            }
        }
    }

    public void Detach(long viewId)
    {
        lock (_views)
        {
            var i = _views.FindIndex(v => v.ViewId == viewId);
            if (i < 0)
            {
                return;
            }

            _views[i].Writer.TryComplete();
            _views.RemoveAt(i);
            _count = _views.Count;
            if (_views.Count == 0)
            {
                watcher.Unwatch(folder);
            }
        }
    }

    /// <summary>
    /// Whether any view is open (one attaches only under the folder's gate: a caller holding it may skip making a change
    /// nobody hears of). Without the lock, inlined: the first sight of 20,000 files asks once per file, and a call with a
    /// lock ran as unoptimized code there (see MaildirFolder.Adoption.cs).
    /// </summary>
    public bool HasViews
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _count > 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs per message in a STORE: see MaildirMailboxView.StoreFlags
    public void Publish(MailboxChange change)
    {
        lock (_views)
        {
            foreach (var v in _views)
            {
                v.Writer.TryWrite(change);
            }
        }
    }

    /// <summary>Tells every view the folder is gone and ends their feeds.</summary>
    public void Close(ulong highestModSeq)
    {
        Publish(new MailboxChange(MailboxChangeKind.MailboxGone, null, 0, highestModSeq, 0));
        lock (_views)
        {
            foreach (var v in _views)
            {
                v.Writer.TryComplete();
            }

            _views.Clear();
            _count = 0;
            watcher.Unwatch(folder);
        }
    }
}
