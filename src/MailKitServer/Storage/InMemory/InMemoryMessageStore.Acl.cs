using MailKitServer.Storage.Acl;

namespace MailKitServer.Storage.InMemory;

/// <summary>The access control lists and the public tree of the in-memory store (<see cref="IMailboxAclStore"/>).</summary>
public sealed partial class InMemoryMessageStore : IMailboxAclStore
{
    private InMemoryAccountState _public = NewPublic();

    /// <inheritdoc />
    public ValueTask<IMailAccount> OpenPublicAccountAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult<IMailAccount>(new InMemoryAccount(this, string.Empty, _public));

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<MailboxAclEntry>?> GetAclAsync(string? ownerId, string mailbox, CancellationToken cancellationToken)
    {
        var state = StateOf(ownerId);
        if (state is null || !MailboxName.TryNormalize(mailbox, out var name))
        {
            return ValueTask.FromResult<IReadOnlyList<MailboxAclEntry>?>(null);
        }

        lock (state.Sync)
        {
            if (!state.Mailboxes.ContainsKey(name))
            {
                return ValueTask.FromResult<IReadOnlyList<MailboxAclEntry>?>(null);
            }

            return ValueTask.FromResult<IReadOnlyList<MailboxAclEntry>?>(state.Acls.TryGetValue(name, out var entries) ? [.. entries] : []);
        }
    }

    /// <inheritdoc />
    public ValueTask<MailboxResult> SetAclAsync(string? ownerId, string mailbox, string identifier, MailboxRights? rights, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(identifier);
        var state = StateOf(ownerId);
        if (state is null || !MailboxName.TryNormalize(mailbox, out var name))
        {
            return ValueTask.FromResult(new MailboxResult(StoreStatus.NotFound, "no such mailbox"));
        }

        lock (state.Sync)
        {
            if (!state.Mailboxes.ContainsKey(name))
            {
                return ValueTask.FromResult(new MailboxResult(StoreStatus.NotFound, "no such mailbox"));
            }

            var entries = state.Acls.TryGetValue(name, out var list) ? list : state.Acls[name] = [];
            MailboxAclList.Set(entries, identifier, rights);
            if (entries.Count == 0)
            {
                state.Acls.Remove(name);
            }

            return ValueTask.FromResult(MailboxResult.Ok);
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<SharedMailboxAcl>> ListSharedAsync(CancellationToken cancellationToken)
    {
        var shared = new List<SharedMailboxAcl>();
        foreach (var (ownerId, state) in _accounts.Select(a => ((string?)a.Key, a.Value)).Append((null, _public)))
        {
            lock (state.Sync)
            {
                shared.AddRange(state.Acls.Select(a => new SharedMailboxAcl(ownerId, a.Key, [.. a.Value])));
            }
        }

        return ValueTask.FromResult<IReadOnlyList<SharedMailboxAcl>>(shared);
    }

    private static InMemoryAccountState NewPublic()
    {
        // The public tree keeps an INBOX only because every account has one; the Shared/ namespace hides it.
        var state = new InMemoryAccountState();
        state.Mailboxes[MailboxName.Inbox] = new InMemoryMailbox(MailboxName.Inbox, MailboxRole.Inbox, 1);
        return state;
    }

    private void ClearPublic() => _public = NewPublic();

    private InMemoryAccountState? StateOf(string? ownerId) =>
        ownerId is null ? _public : _accounts.TryGetValue(ownerId, out var state) ? state : null;
}
