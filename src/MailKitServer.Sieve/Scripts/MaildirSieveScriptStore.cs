using System.Globalization;
using System.Text;
using MailKitServer.Runtime;
using MailKitServer.Storage.Maildir;

namespace MailKitServer.Sieve.Scripts;

/// <summary>
/// Scripts on disk beside a Maildir store, in Dovecot Pigeonhole's layout: each user's scripts are
/// <c>ROOT/user/sieve/NAME.sieve</c> and the active one is the symbolic link <c>ROOT/user/.dovecot.sieve</c>
/// pointing at it (the layout of Dovecot Pigeonhole's default sieve location). Writes go to a temporary file, are
/// flushed and renamed into place. Vacation records are files under <c>sieve/.vacation/</c>.
/// </summary>
public sealed class MaildirSieveScriptStore : ISieveScriptStore
{
    private const string Extension = ".sieve";
    private const string ActiveLink = ".dovecot.sieve";
    private readonly string _root;
    private readonly string? _globalDirectory;
    private static readonly Lock RecordSync = new();
    private readonly Lock _sync = new();

    /// <summary>Creates the store.</summary>
    /// <param name="root">The root folder, the same as the Maildir store's (users' folders are its children).</param>
    /// <param name="globalDirectory">The folder of global scripts (<c>NAME.sieve</c>), or <see langword="null"/> for none.</param>
    public MaildirSieveScriptStore(string root, string? globalDirectory = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        _root = Path.GetFullPath(root);
        _globalDirectory = globalDirectory is null ? null : Path.GetFullPath(globalDirectory);
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<SieveScriptInfo>> ListAsync(string userId, CancellationToken cancellationToken)
    {
        var folder = ScriptFolder(userId);
        if (!Directory.Exists(folder))
        {
            return ValueTask.FromResult<IReadOnlyList<SieveScriptInfo>>([]);
        }

        var active = ActiveName(userId);
        var list = Directory.EnumerateFiles(folder, "*" + Extension)
            .Select(p => Path.GetFileName(p)[..^Extension.Length])
            .Order(StringComparer.Ordinal)
            .Select(n => new SieveScriptInfo(n, n == active))
            .ToList();
        return ValueTask.FromResult<IReadOnlyList<SieveScriptInfo>>(list);
    }

    /// <inheritdoc />
    public async ValueTask<string?> GetAsync(string userId, string name, CancellationToken cancellationToken)
    {
        var path = ScriptPath(userId, name);
        try
        {
            return await File.ReadAllTextAsync(path, Encoding.UTF8, cancellationToken).ConfigureAwait(false);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public async ValueTask PutAsync(string userId, string name, string content, CancellationToken cancellationToken)
    {
        var path = ScriptPath(userId, name);
        var folder = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(folder);
        var temp = Path.Combine(folder, $".tmp-{Guid.NewGuid():N}");
        var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous);
        await using (stream.ConfigureAwait(false))
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes(content), cancellationToken).ConfigureAwait(false);
            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
        NativeFileSystem.SyncDirectory(folder);
    }

    /// <inheritdoc />
    public ValueTask<bool> DeleteAsync(string userId, string name, CancellationToken cancellationToken)
    {
        var path = ScriptPath(userId, name);
        lock (_sync)
        {
            if (!File.Exists(path))
            {
                return ValueTask.FromResult(false);
            }

            if (ActiveName(userId) == name)
            {
                File.Delete(ActivePath(userId));
            }

            File.Delete(path);
            return ValueTask.FromResult(true);
        }
    }

    /// <inheritdoc />
    public ValueTask<bool> RenameAsync(string userId, string oldName, string newName, CancellationToken cancellationToken)
    {
        var from = ScriptPath(userId, oldName);
        var to = ScriptPath(userId, newName);
        lock (_sync)
        {
            if (!File.Exists(from) || File.Exists(to))
            {
                return ValueTask.FromResult(false);
            }

            var wasActive = ActiveName(userId) == oldName;
            File.Move(from, to);
            if (wasActive)
            {
                Link(userId, newName);
            }

            NativeFileSystem.SyncDirectory(Path.GetDirectoryName(to)!);
            return ValueTask.FromResult(true);
        }
    }

    /// <inheritdoc />
    public ValueTask<bool> SetActiveAsync(string userId, string? name, CancellationToken cancellationToken)
    {
        lock (_sync)
        {
            if (name is null)
            {
                if (File.Exists(ActivePath(userId)) || Directory.Exists(Path.GetDirectoryName(ActivePath(userId))))
                {
                    File.Delete(ActivePath(userId));
                }

                return ValueTask.FromResult(true);
            }

            if (!File.Exists(ScriptPath(userId, name)))
            {
                return ValueTask.FromResult(false);
            }

            Link(userId, name);
            return ValueTask.FromResult(true);
        }
    }

    /// <inheritdoc />
    public async ValueTask<string?> GetGlobalAsync(string name, CancellationToken cancellationToken)
    {
        if (_globalDirectory is null || !IsSafeName(name))
        {
            return null;
        }

        var path = Path.Combine(_globalDirectory, name + Extension);
        return File.Exists(path) ? await File.ReadAllTextAsync(path, Encoding.UTF8, cancellationToken).ConfigureAwait(false) : null;
    }

    /// <inheritdoc />
    public ValueTask<bool> TryRecordReplyAsync(string userId, string key, DateTimeOffset now, TimeSpan period, CancellationToken cancellationToken)
    {
        if (key.Length == 0 || !key.All(char.IsAsciiHexDigit))
        {
            throw new ArgumentException("The key must be hexadecimal.", nameof(key));
        }

        var folder = Path.Combine(ScriptFolder(userId), ".vacation");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, key);

        // Check and record in one step for every store instance in the process (a Maildir has one node), so two
        // deliveries at once send one reply.
        lock (RecordSync)
        {
            if (File.Exists(path) && long.TryParse(File.ReadAllText(path), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) && now - new DateTimeOffset(ticks, TimeSpan.Zero) < period)
            {
                return ValueTask.FromResult(false);
            }

            File.WriteAllText(path, now.UtcTicks.ToString(CultureInfo.InvariantCulture));
            return ValueTask.FromResult(true);
        }
    }

    private static bool IsSafeName(string name) =>
        name.Length is > 0 and <= 200 && name[0] != '.' && !name.Any(c => c is '/' or '\\' or '\0' || char.IsControl(c));

    private string UserFolder(string userId) => Path.Combine(_root, MaildirUserFolder.Encode(userId));

    private string ScriptFolder(string userId) => Path.Combine(UserFolder(userId), "sieve");

    private string ActivePath(string userId) => Path.Combine(UserFolder(userId), ActiveLink);

    private string ScriptPath(string userId, string name)
    {
        if (!IsSafeName(name))
        {
            throw new ArgumentException($"'{name}' is not a valid script name.", nameof(name));
        }

        return Path.Combine(ScriptFolder(userId), name + Extension);
    }

    private string? ActiveName(string userId)
    {
        var link = new FileInfo(ActivePath(userId));
        if (link.LinkTarget is not { } target)
        {
            return null;
        }

        var file = Path.GetFileName(target);
        return file.EndsWith(Extension, StringComparison.Ordinal) ? file[..^Extension.Length] : null;
    }

    private void Link(string userId, string name)
    {
        // A new link beside the old one, renamed over it: the active script changes in one step.
        var active = ActivePath(userId);
        var temp = active + $".tmp-{Guid.NewGuid():N}";
        File.CreateSymbolicLink(temp, Path.Combine("sieve", name + Extension));
        File.Move(temp, active, overwrite: true);
        NativeFileSystem.SyncDirectory(Path.GetDirectoryName(active)!);
    }
}
