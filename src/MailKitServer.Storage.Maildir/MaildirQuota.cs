namespace MailKitServer.Storage.Maildir;

/// <summary>
/// One user's usage, counted once from the files and then kept up to date as messages come and go (every folder
/// reports its additions and removals), so a quota check costs nothing.
/// </summary>
internal sealed class MaildirQuota
{
    private long _bytes;
    private long _messages;

    public MaildirQuota(string userRoot)
    {
        foreach (var dir in Directory.EnumerateDirectories(userRoot).Where(d => Path.GetFileName(d).StartsWith('.')).Append(userRoot))
        {
            foreach (var sub in new[] { "new", "cur" })
            {
                var path = Path.Combine(dir, sub);
                if (!Directory.Exists(path))
                {
                    continue;
                }

                foreach (var file in new DirectoryInfo(path).EnumerateFiles())
                {
                    _bytes += file.Length;
                    _messages++;
                }
            }
        }
    }

    /// <summary>Octets stored.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Messages stored.</summary>
    public long Messages => Interlocked.Read(ref _messages);

    /// <summary>Whether a message of this size fits.</summary>
    public bool Allows(long size, MaildirStoreOptions options) =>
        (options.QuotaBytes is not { } b || Bytes + size <= b) && (options.QuotaMessages is not { } m || Messages + 1 <= m);

    /// <summary>Counts a change; folders call this once their entries are known (so the first scan is not counted twice).</summary>
    public void Change(long bytes, long messages)
    {
        if (!Counting)
        {
            return;
        }

        Interlocked.Add(ref _bytes, bytes);
        Interlocked.Add(ref _messages, messages);
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
