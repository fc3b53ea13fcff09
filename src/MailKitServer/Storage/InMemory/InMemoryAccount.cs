namespace MailKitServer.Storage.InMemory;

/// <summary>One session's handle on an account of the <see cref="InMemoryMessageStore"/>.</summary>
internal sealed class InMemoryAccount(InMemoryMessageStore store, string userId, InMemoryAccountState state) : IObjectIdMailAccount, IQuotaMailAccount, Metadata.IMetadataMailAccount
{
    private MaildropLock? _lock;

    public string UserId { get; } = userId;

    internal InMemoryAccountState State => state;

    internal InMemoryMessageStore Store => store;

    public ValueTask<IReadOnlyList<MailboxInfo>> ListAsync(CancellationToken cancellationToken)
    {
        lock (state.Sync)
        {
            var names = state.Mailboxes.Keys.ToList();
            var list = state.Mailboxes.Values
                .OrderBy(m => m.Name == MailboxName.Inbox ? 0 : 1).ThenBy(m => m.Name, StringComparer.Ordinal)
                .Select(m => new MailboxInfo(m.Name, m.Role, state.Subscriptions.Contains(m.Name), names.Exists(n => n.StartsWith(m.Name + MailboxName.Separator, StringComparison.Ordinal))))
                .ToList();
            return ValueTask.FromResult<IReadOnlyList<MailboxInfo>>(list);
        }
    }

    public ValueTask<MailboxResult> CreateAsync(string name, MailboxRole role, CancellationToken cancellationToken)
    {
        if (!MailboxName.TryNormalize(name, out var normalized))
        {
            return Result(StoreStatus.InvalidName, "invalid mailbox name");
        }

        var created = new List<string>();
        lock (state.Sync)
        {
            if (state.Mailboxes.ContainsKey(normalized))
            {
                return Result(StoreStatus.AlreadyExists, "mailbox already exists");
            }

            if (role != MailboxRole.None && state.Mailboxes.Values.Any(m => m.Role == role))
            {
                return Result(StoreStatus.NotAllowed, $"a mailbox with role {role} already exists");
            }

            // Create missing parents so the hierarchy stays navigable.
            var levels = normalized.Split(MailboxName.Separator);
            for (var i = 1; i < levels.Length; i++)
            {
                var parent = string.Join(MailboxName.Separator, levels[..i]);
                if (!state.Mailboxes.ContainsKey(parent))
                {
                    state.Mailboxes[parent] = new InMemoryMailbox(parent, MailboxRole.None, store.NextUidValidity());
                    created.Add(parent);
                }
            }

            state.Mailboxes[normalized] = new InMemoryMailbox(normalized, role, store.NextUidValidity());
            created.Add(normalized);
        }

        store.OnMailboxesCreated(UserId, created);
        return Result(StoreStatus.Success);
    }

    public ValueTask<MailboxResult> RenameAsync(string from, string to, CancellationToken cancellationToken)
    {
        if (!MailboxName.TryNormalize(from, out var source) || !MailboxName.TryNormalize(to, out var target))
        {
            return Result(StoreStatus.InvalidName, "invalid mailbox name");
        }

        List<string> created;
        lock (state.Sync)
        {
            if (!state.Mailboxes.TryGetValue(source, out var mailbox))
            {
                return Result(StoreStatus.NotFound, "no such mailbox");
            }

            if (state.Mailboxes.ContainsKey(target))
            {
                return Result(StoreStatus.AlreadyExists, "target mailbox already exists");
            }

            if (target.StartsWith(source + MailboxName.Separator, StringComparison.Ordinal))
            {
                return Result(StoreStatus.NotAllowed, "cannot rename a mailbox below itself");
            }

            if (source == MailboxName.Inbox)
            {
                // RFC 3501 §6.3.5: renaming INBOX moves its messages to the new name; INBOX stays, empty.
                var moved = new InMemoryMailbox(target, MailboxRole.None, store.NextUidValidity());
                foreach (var m in mailbox.Messages)
                {
                    moved.Add(m.Content, m.Flags, m.Keywords, m.InternalDate, origin: 0, store.Now, m.EmailId);
                }

                mailbox.Remove(_ => true, origin: 0);
                state.Mailboxes[target] = moved;
                if (state.Metadata.TryGetValue(source, out var annotations))
                {
                    // RFC 5464 §4.1: renaming INBOX copies its annotations; INBOX keeps its own.
                    state.Metadata[target] = annotations.Clone();
                }

                created = [target];
            }
            else
            {
                created = RenameTree(source, target);
            }
        }

        store.OnMailboxesCreated(UserId, created);
        return Result(StoreStatus.Success);
    }

    /// <summary>Renames a mailbox and the ones below it (under the account's lock); returns the new names.</summary>
    private List<string> RenameTree(string source, string target)
    {
        var renames = state.Mailboxes.Keys
            .Where(n => n == source || n.StartsWith(source + MailboxName.Separator, StringComparison.Ordinal))
            .ToList();
        foreach (var old in renames)
        {
            var box = state.Mailboxes[old];
            state.Mailboxes.Remove(old);
            box.Close();
            var renamed = new InMemoryMailbox(target + old[source.Length..], box.Role, store.NextUidValidity());
            foreach (var m in box.Messages)
            {
                renamed.Add(m.Content, m.Flags, m.Keywords, m.InternalDate, origin: 0, m.SaveDate, m.EmailId);
            }

            state.Mailboxes[renamed.Name] = renamed;
            if (state.Acls.Remove(old, out var acl))
            {
                // RFC 4314 §4: RENAME keeps the mailbox's access control list.
                state.Acls[renamed.Name] = acl;
            }

            if (state.Metadata.Remove(old, out var annotations))
            {
                // RFC 5464 §4.1: annotations follow the mailbox.
                state.Metadata[renamed.Name] = annotations;
            }

            if (state.Subscriptions.Remove(old))
            {
                state.Subscriptions.Add(renamed.Name);
            }
        }

        return renames.ConvertAll(old => target + old[source.Length..]);
    }

    public ValueTask<MailboxResult> DeleteAsync(string name, CancellationToken cancellationToken)
    {
        if (!MailboxName.TryNormalize(name, out var normalized))
        {
            return Result(StoreStatus.InvalidName, "invalid mailbox name");
        }

        if (normalized == MailboxName.Inbox)
        {
            return Result(StoreStatus.NotAllowed, "INBOX cannot be deleted");
        }

        lock (state.Sync)
        {
            if (!state.Mailboxes.Remove(normalized, out var mailbox))
            {
                return Result(StoreStatus.NotFound, "no such mailbox");
            }

            mailbox.Close();

            // RFC 4314 §4: DELETE deletes the mailbox's access control list.
            state.Acls.Remove(normalized);

            // RFC 5464 §4.1: a mailbox created later under the name does not inherit them.
            state.Metadata.Remove(normalized);
            return Result(StoreStatus.Success);
        }
    }

    public ValueTask<MailboxResult> SetSubscribedAsync(string name, bool subscribed, CancellationToken cancellationToken)
    {
        if (!MailboxName.TryNormalize(name, out var normalized))
        {
            return Result(StoreStatus.InvalidName, "invalid mailbox name");
        }

        lock (state.Sync)
        {
            if (subscribed)
            {
                state.Subscriptions.Add(normalized);
            }
            else
            {
                state.Subscriptions.Remove(normalized);
            }

            return Result(StoreStatus.Success);
        }
    }

    public ValueTask<IReadOnlyList<string>> ListSubscriptionsAsync(CancellationToken cancellationToken)
    {
        lock (state.Sync)
        {
            return ValueTask.FromResult<IReadOnlyList<string>>([.. state.Subscriptions.Order(StringComparer.Ordinal)]);
        }
    }

    public ValueTask<MailboxStatus?> GetStatusAsync(string name, CancellationToken cancellationToken)
    {
        if (!MailboxName.TryNormalize(name, out var normalized))
        {
            return ValueTask.FromResult<MailboxStatus?>(null);
        }

        lock (state.Sync)
        {
            return ValueTask.FromResult(state.Mailboxes.TryGetValue(normalized, out var m) ? m.GetStatus() : null);
        }
    }

    public ValueTask<string?> GetMailboxIdAsync(string name, CancellationToken cancellationToken)
    {
        if (!MailboxName.TryNormalize(name, out var normalized))
        {
            return ValueTask.FromResult<string?>(null);
        }

        lock (state.Sync)
        {
            return ValueTask.FromResult(state.Mailboxes.TryGetValue(normalized, out var m) ? m.MailboxId : null);
        }
    }

    public ValueTask<IReadOnlyList<Metadata.MetadataEntry>?> GetMetadataAsync(string mailbox, string userId, CancellationToken cancellationToken)
    {
        if (mailbox.Length == 0)
        {
            lock (store.ServerMetadata)
            {
                return ValueTask.FromResult<IReadOnlyList<Metadata.MetadataEntry>?>(store.ServerMetadata.Visible(userId));
            }
        }

        lock (state.Sync)
        {
            return ValueTask.FromResult<IReadOnlyList<Metadata.MetadataEntry>?>(
                !MailboxName.TryNormalize(mailbox, out var normalized) || !state.Mailboxes.ContainsKey(normalized) ? null
                : state.Metadata.TryGetValue(normalized, out var table) ? table.Visible(userId) : []);
        }
    }

    public ValueTask<bool> SetMetadataAsync(string mailbox, string userId, IReadOnlyList<Metadata.MetadataEntry> changes, CancellationToken cancellationToken)
    {
        if (mailbox.Length == 0)
        {
            lock (store.ServerMetadata)
            {
                store.ServerMetadata.Apply(userId, changes);
                return ValueTask.FromResult(true);
            }
        }

        lock (state.Sync)
        {
            if (!MailboxName.TryNormalize(mailbox, out var normalized) || !state.Mailboxes.ContainsKey(normalized))
            {
                return ValueTask.FromResult(false);
            }

            if (!state.Metadata.TryGetValue(normalized, out var table))
            {
                state.Metadata[normalized] = table = new Metadata.MetadataTable();
            }

            table.Apply(userId, changes);
            return ValueTask.FromResult(true);
        }
    }

    public ValueTask<IMailboxView?> OpenAsync(string name, bool readOnly, CancellationToken cancellationToken)
    {
        if (!MailboxName.TryNormalize(name, out var normalized))
        {
            return ValueTask.FromResult<IMailboxView?>(null);
        }

        lock (state.Sync)
        {
            if (!state.Mailboxes.TryGetValue(normalized, out var mailbox))
            {
                return ValueTask.FromResult<IMailboxView?>(null);
            }

            return ValueTask.FromResult<IMailboxView?>(new InMemoryMailboxView(this, mailbox, readOnly, store.NextViewId()));
        }
    }

    public ValueTask<AppendResult> AppendAsync(string name, Stream content, SystemFlags flags, IReadOnlyCollection<string> keywords, DateTimeOffset? internalDate, CancellationToken cancellationToken) =>
        AppendAsync(name, content, flags, keywords, internalDate, default, cancellationToken);

    public ValueTask<AppendResult> AppendReplacingAsync(string name, Stream content, SystemFlags flags, IReadOnlyCollection<string> keywords, DateTimeOffset? internalDate, long replacedSize, CancellationToken cancellationToken) =>
        AppendAsync(name, content, flags, keywords, internalDate, (replacedSize, 1), cancellationToken);

    private async ValueTask<AppendResult> AppendAsync(string name, Stream content, SystemFlags flags, IReadOnlyCollection<string> keywords, DateTimeOffset? internalDate, (long Bytes, long Messages) credit, CancellationToken cancellationToken)
    {
        if (!MailboxName.TryNormalize(name, out var normalized))
        {
            return new AppendResult(StoreStatus.InvalidName, Message: "invalid mailbox name");
        }

        var bytes = await store.ReadAllAsync(content, cancellationToken).ConfigureAwait(false);
        if (bytes is null)
        {
            return new AppendResult(StoreStatus.OverQuota, Message: "message too large");
        }

        await store.RefreshQuotaAsync(UserId, state, cancellationToken).ConfigureAwait(false);
        return Append(normalized, bytes, flags, keywords, internalDate, origin: 0, credit);
    }

    /// <summary>Stores a message; <paramref name="credit"/> is what a REPLACE takes away next (RFC 8508 §3.4: the quota counts net).</summary>
    internal AppendResult Append(string normalized, MessageContent bytes, SystemFlags flags, IReadOnlyCollection<string> keywords, DateTimeOffset? internalDate, long origin, (long Bytes, long Messages) credit = default)
    {
        lock (state.Sync)
        {
            if (!state.Mailboxes.TryGetValue(normalized, out var mailbox))
            {
                return new AppendResult(StoreStatus.NotFound, Message: "no such mailbox");
            }

            if (!state.Allows(bytes.Length - credit.Bytes, 1 - credit.Messages))
            {
                return new AppendResult(StoreStatus.OverQuota, Message: "quota exceeded");
            }

            var m = mailbox.Add(bytes, flags, keywords.Distinct(StringComparer.OrdinalIgnoreCase).ToArray(), internalDate ?? store.Now, origin, store.Now);
            return new AppendResult(StoreStatus.Success, mailbox.UidValidity, m.Uid);
        }
    }

    public async ValueTask<QuotaUsage> GetQuotaAsync(CancellationToken cancellationToken)
    {
        await store.RefreshQuotaAsync(UserId, state, cancellationToken).ConfigureAwait(false);
        lock (state.Sync)
        {
            var (bytes, messages) = state.Usage();
            var (limitBytes, limitMessages) = state.Limits;
            return new QuotaUsage(bytes, messages, limitBytes, limitMessages);
        }
    }

    public ValueTask SetQuotaAsync(long? storageLimitBytes, long? messageLimit, CancellationToken cancellationToken)
    {
        lock (state.Sync)
        {
            state.SetLimits = (storageLimitBytes, messageLimit);
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<IAsyncDisposable?> TryLockMaildropAsync(CancellationToken cancellationToken)
    {
        lock (state.Sync)
        {
            if (state.MaildropLocked)
            {
                return ValueTask.FromResult<IAsyncDisposable?>(null);
            }

            state.MaildropLocked = true;
            _lock = new MaildropLock(state);
            return ValueTask.FromResult<IAsyncDisposable?>(_lock);
        }
    }

    public ValueTask DisposeAsync() => _lock?.DisposeAsync() ?? ValueTask.CompletedTask;

    private static ValueTask<MailboxResult> Result(StoreStatus status, string? message = null) =>
        ValueTask.FromResult(status == StoreStatus.Success ? MailboxResult.Ok : new MailboxResult(status, message));

    private sealed class MaildropLock(InMemoryAccountState state) : IAsyncDisposable
    {
        private int _released;

        public ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                lock (state.Sync)
                {
                    state.MaildropLocked = false;
                }
            }

            return ValueTask.CompletedTask;
        }
    }
}
