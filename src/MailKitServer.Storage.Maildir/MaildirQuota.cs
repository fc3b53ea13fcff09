using System.IO.Enumeration;

namespace MailKitServer.Storage.Maildir;

/// <summary>
/// One user's usage, counted from the files when first asked for and then kept up to date as messages come and go
/// (every folder reports its additions and removals), so a quota check costs nothing after the first. The count waits
/// until something needs it (a limit to check, a quota report): opening an account of 20,000 messages with no limits
/// must not stat 20,000 files (issue 24). A size the file name carries (<c>,S=</c>, as we and Dovecot write it) is
/// taken from the name; only other files are looked at.
/// </summary>
internal sealed class MaildirQuota
{
    /// <summary>The user's own limits (IMAP SETQUOTA), when set: <c>storage N|-</c> and <c>messages N|-</c> lines.</summary>
    public const string LimitsFile = "mailkitserver.quota";

    private readonly string _userRoot;
    private readonly string _limitsPath;
    private readonly Lock _countLock = new();
    private long _bytes;
    private long _messages;
    private volatile bool _counted;
    private (long? Bytes, long? Messages)? _limits;
    private volatile Users.UserQuota? _directory;

    public MaildirQuota(string userRoot)
    {
        _userRoot = userRoot;
        _limitsPath = Path.Combine(userRoot, LimitsFile);
        _limits = ReadLimits(_limitsPath);
    }

    /// <summary>Octets stored.</summary>
    public long Bytes
    {
        get
        {
            EnsureCounted();
            return Interlocked.Read(ref _bytes);
        }
    }

    /// <summary>Messages stored.</summary>
    public long Messages
    {
        get
        {
            EnsureCounted();
            return Interlocked.Read(ref _messages);
        }
    }

    /// <summary>
    /// Whether messages of this total size fit (the limits in force); a resource that does not grow (a REPLACE, net of
    /// the replaced message) is never refused.
    /// </summary>
    public bool Allows(long size, MaildirStoreOptions options, long messages = 1)
    {
        var (limitBytes, limitMessages) = Limits(options);
        return (limitBytes is not { } b || size <= 0 || Bytes + size <= b) && (limitMessages is not { } m || messages <= 0 || Messages + messages <= m);
    }

    /// <summary>
    /// The limits in force: the user's own when set (SETQUOTA), else the directory's (each resource it leaves unset
    /// from the store's options), else the store's options.
    /// </summary>
    public (long? Bytes, long? Messages) Limits(MaildirStoreOptions options)
    {
        var directory = _directory;
        return _limits ?? (directory?.StorageLimitBytes ?? options.QuotaBytes, directory?.MessageLimit ?? options.QuotaMessages);
    }

    /// <summary>Takes the user's limits from the store's quota directory, when it has one (before a check or a report).</summary>
    public async ValueTask RefreshAsync(string userId, MaildirStoreOptions options, CancellationToken cancellationToken)
    {
        if (options.QuotaDirectory is { } directory)
        {
            _directory = await directory.GetQuotaAsync(userId, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Sets the user's own limits, durably (they replace the store's defaults for this user).</summary>
    public void SetLimits(long? bytes, long? messages)
    {
        static string Value(long? v) => v?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-";
        MaildirFiles.WriteDurably(_limitsPath, $"storage {Value(bytes)}\nmessages {Value(messages)}\n");
        _limits = (bytes, messages);
    }

    private static (long? Bytes, long? Messages)? ReadLimits(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        long? bytes = null, messages = null;
        foreach (var line in File.ReadAllLines(path))
        {
            var f = line.Split(' ');
            long? value = f.Length == 2 && long.TryParse(f[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : null;
            if (f[0] == "storage")
            {
                bytes = value;
            }
            else if (f[0] == "messages")
            {
                messages = value;
            }
        }

        return (bytes, messages);
    }

    /// <summary>
    /// Whether <see cref="Change"/> would count anything now (the usage was counted and this is not a folder's first
    /// load): a folder reads a size it does not know yet from the file only then.
    /// </summary>
    public bool Counts => Counting && _counted;

    /// <summary>
    /// Counts a change, made on disk just before; folders call this once their entries are known (so the first scan is
    /// not counted twice). Before the usage was first counted there is nothing to change: the count will see the disk.
    /// </summary>
    public void Change(long bytes, long messages)
    {
        if (!Counts)
        {
            return;
        }

        lock (_countLock)
        {
            _bytes += bytes;
            _messages += messages;
        }
    }

    /// <summary>
    /// Counts the files of every folder the first time the usage is needed. A message added while the count runs may be
    /// counted twice or not at all (its rename and its report straddling the count), much as files another program drops
    /// in between a count at account opening and a folder's first load were: the usage is an estimate kept current,
    /// not a ledger.
    /// </summary>
    private void EnsureCounted()
    {
        if (_counted)
        {
            return;
        }

        lock (_countLock)
        {
            if (_counted)
            {
                return;
            }

            foreach (var dir in Directory.EnumerateDirectories(_userRoot).Where(d => Path.GetFileName(d).StartsWith('.')).Append(_userRoot))
            {
                foreach (var sub in new[] { "new", "cur" })
                {
                    var path = Path.Combine(dir, sub);
                    if (Directory.Exists(path))
                    {
                        CountFiles(path);
                    }
                }
            }

            _counted = true;
        }
    }

    private void CountFiles(string directory)
    {
        // The file is looked at (stat) only when its name does not tell its size; one gone meanwhile is not counted.
        var sizes = new FileSystemEnumerable<long>(directory, (ref FileSystemEntry e) => MaildirFileName.Size(e.FileName) ?? LengthOrGone(ref e))
        {
            ShouldIncludePredicate = (ref FileSystemEntry e) => !e.IsDirectory,
        };
        foreach (var size in sizes)
        {
            if (size >= 0)
            {
                _bytes += size;
                _messages++;
            }
        }
    }

    private static long LengthOrGone(ref FileSystemEntry entry)
    {
        try
        {
            return entry.Length;
        }
        catch (IOException)
        {
            return -1;
        }
    }

    /// <summary>Whether changes are counted; folders loading their index for the first time add entries already counted by the scan.</summary>
    [ThreadStatic]
    private static bool _suspended;

    private static bool Counting => !_suspended;

    /// <summary>Runs an action whose additions are not counted (the first load of a folder).</summary>
    public static void WithoutCounting(Action action)
    {
        _suspended = true;
        try
        {
            action();
        }
        finally
        {
            _suspended = false;
        }
    }
}
