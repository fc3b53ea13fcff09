namespace MailKitServer.Sieve.Scripts;

/// <summary>Scripts and vacation records in memory: the default, and for tests. Global scripts are set by the host.</summary>
public sealed class InMemorySieveScriptStore : ISieveScriptStore, Runtime.IBlockingHint
{
    /// <summary>Everything is in memory: no call waits on I/O.</summary>
    bool Runtime.IBlockingHint.MayBlock => false;

    private readonly Lock _sync = new();
    private readonly Dictionary<string, UserScripts> _users = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _global = new(StringComparer.Ordinal);

    /// <summary>Sets (or with <see langword="null"/> removes) a global script.</summary>
    /// <param name="name">The script name.</param>
    /// <param name="content">The script's text.</param>
    public void SetGlobal(string name, string? content)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        lock (_sync)
        {
            if (content is null)
            {
                _global.Remove(name);
            }
            else
            {
                _global[name] = content;
            }
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<SieveScriptInfo>> ListAsync(string userId, CancellationToken cancellationToken)
    {
        lock (_sync)
        {
            var user = User(userId);
            return ValueTask.FromResult<IReadOnlyList<SieveScriptInfo>>(user.Scripts.Keys.Order(StringComparer.Ordinal).Select(n => new SieveScriptInfo(n, n == user.Active)).ToList());
        }
    }

    /// <inheritdoc />
    public ValueTask<string?> GetAsync(string userId, string name, CancellationToken cancellationToken)
    {
        lock (_sync)
        {
            return ValueTask.FromResult(User(userId).Scripts.GetValueOrDefault(name));
        }
    }

    /// <inheritdoc />
    public ValueTask PutAsync(string userId, string name, string content, CancellationToken cancellationToken)
    {
        lock (_sync)
        {
            User(userId).Scripts[name] = content;
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<bool> DeleteAsync(string userId, string name, CancellationToken cancellationToken)
    {
        lock (_sync)
        {
            var user = User(userId);
            if (user.Active == name)
            {
                user.Active = null;
            }

            return ValueTask.FromResult(user.Scripts.Remove(name));
        }
    }

    /// <inheritdoc />
    public ValueTask<bool> RenameAsync(string userId, string oldName, string newName, CancellationToken cancellationToken)
    {
        lock (_sync)
        {
            var user = User(userId);
            if (!user.Scripts.Remove(oldName, out var content))
            {
                return ValueTask.FromResult(false);
            }

            user.Scripts[newName] = content;
            if (user.Active == oldName)
            {
                user.Active = newName;
            }

            return ValueTask.FromResult(true);
        }
    }

    /// <inheritdoc />
    public ValueTask<bool> SetActiveAsync(string userId, string? name, CancellationToken cancellationToken)
    {
        lock (_sync)
        {
            var user = User(userId);
            if (name is not null && !user.Scripts.ContainsKey(name))
            {
                return ValueTask.FromResult(false);
            }

            user.Active = name;
            return ValueTask.FromResult(true);
        }
    }

    /// <inheritdoc />
    public ValueTask<string?> GetGlobalAsync(string name, CancellationToken cancellationToken)
    {
        lock (_sync)
        {
            return ValueTask.FromResult(_global.GetValueOrDefault(name));
        }
    }

    /// <inheritdoc />
    public ValueTask<bool> TryRecordReplyAsync(string userId, string key, DateTimeOffset now, TimeSpan period, CancellationToken cancellationToken)
    {
        lock (_sync)
        {
            var replies = User(userId).Replies;
            if (replies.TryGetValue(key, out var last) && now - last < period)
            {
                return ValueTask.FromResult(false);
            }

            replies[key] = now;
            return ValueTask.FromResult(true);
        }
    }

    private UserScripts User(string userId)
    {
        if (!_users.TryGetValue(userId, out var user))
        {
            user = new UserScripts();
            _users[userId] = user;
        }

        return user;
    }

    private sealed class UserScripts
    {
        public Dictionary<string, string> Scripts { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, DateTimeOffset> Replies { get; } = new(StringComparer.Ordinal);

        public string? Active { get; set; }
    }
}
