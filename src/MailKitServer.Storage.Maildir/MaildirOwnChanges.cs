namespace MailKitServer.Storage.Maildir;

/// <summary>
/// The names this process is about to give, take away or create in a folder's <c>new/</c> and <c>cur/</c> (both names
/// of a rename, an unlinked file, a delivered one), kept while the store's watcher watches the folder so that the
/// watcher's events about them are recognised as the folder's own and dropped. An event about any other name is
/// another program's: the folder then looks at its files whatever their directories' times say.
/// </summary>
/// <remarks>
/// A STORE over 20,000 messages renames 20,000 files; each rename comes back as two watcher events. Before, the folder
/// could not tell them from another program's, so after every command that changed its directories it scanned them
/// once more (the "verify" of <see cref="MaildirFolder"/>), in case another program had changed something meanwhile
/// (issue 24). With the names known, a folder watched since before the command needs no such scan: another program's
/// change during the command arrives as an event about a name that is not here.
/// <para>
/// A count per name (a name may be expected twice: renamed away and back within one burst). Cleared, and its epoch
/// moved on, when the watching starts or stops or events were lost (the watcher's overflow): a command that began in
/// another epoch cannot rely on the events and verifies as before.
/// </para>
/// </remarks>
internal sealed class MaildirOwnChanges
{
    private readonly Dictionary<string, int> _expected = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly Lock _lock = new();
    private bool _live;
    private int _epoch;

    public MaildirOwnChanges() => _lookup = _expected.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>
    /// The epoch while the folder is watched live (every change in its directories reaches <see cref="IsOwn"/>), or -1.
    /// Equal at a command's start and end: no event of the command's time was lost.
    /// </summary>
    public int LiveEpoch
    {
        get
        {
            lock (_lock)
            {
                return _live ? _epoch : -1;
            }
        }
    }

    /// <summary>How many names are expected (tests).</summary>
    public int Pending
    {
        get
        {
            lock (_lock)
            {
                return _expected.Count;
            }
        }
    }

    /// <summary>The watcher starts (true) or stops (false) delivering this folder's events, or lost some: a new epoch.</summary>
    public void Reset(bool live)
    {
        lock (_lock)
        {
            _live = live;
            _epoch++;
            _expected.Clear();
        }
    }

    /// <summary>A name (relative to the folder: <c>cur/…</c> or <c>new/…</c>) this process is about to change; nothing when not watched.</summary>
    public void Expect(string relative)
    {
        lock (_lock)
        {
            if (_live)
            {
                _expected[relative] = _expected.GetValueOrDefault(relative) + 1;
            }
        }
    }

    /// <summary>Both names of a rename this process is about to make.</summary>
    public void Expect(string from, string to)
    {
        lock (_lock)
        {
            if (_live)
            {
                _expected[from] = _expected.GetValueOrDefault(from) + 1;
                _expected[to] = _expected.GetValueOrDefault(to) + 1;
            }
        }
    }

    /// <summary>A change that was expected did not happen (the call failed): its names are not expected any more.</summary>
    public void Forget(string relative)
    {
        lock (_lock)
        {
            Consume(relative);
        }
    }

    /// <summary>Whether an event about <paramref name="relative"/> is about a change this process made (the name is then consumed).</summary>
    public bool IsOwn(ReadOnlySpan<char> relative)
    {
        lock (_lock)
        {
            return Consume(relative);
        }
    }

    private bool Consume(ReadOnlySpan<char> relative)
    {
        if (!_lookup.TryGetValue(relative, out var name, out var count))
        {
            return false;
        }

        if (count > 1)
        {
            _expected[name] = count - 1;
        }
        else
        {
            _expected.Remove(name);
        }

        return true;
    }
}
