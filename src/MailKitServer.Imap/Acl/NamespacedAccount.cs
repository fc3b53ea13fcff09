using MailKitServer.Storage;
using MailKitServer.Storage.Acl;
using MailKitServer.Users;

namespace MailKitServer.Imap.Acl;

/// <summary>
/// The account an IMAP session works on when the store keeps access control lists: the user's own mailboxes, the
/// mailboxes other users shared (<c>Other Users/owner/name</c>) and the public tree (<c>Shared/name</c>), as one
/// tree (RFC 2342). Each name is routed to its owner's account; the rights a session has on it come from
/// <see cref="RightsAsync"/>, which the commands ask through <see cref="MailboxAccess"/>. As a second line, a
/// mailbox the user may neither look up nor read is treated here as one that does not exist.
/// </summary>
internal class NamespacedAccount : IMailAccount
{
    private readonly IMailAccount _own;
    private readonly IMessageStore _store;
    private readonly IMailboxAclStore _acl;
    private readonly AclEvaluator _evaluator;
    private readonly bool _publicAdministrator;
    private Dictionary<string, IMailAccount>? _others; // made when another user's mailbox is first opened
    private IMailAccount? _public;

    public NamespacedAccount(IMailAccount own, IMessageStore store, IMailboxAclStore acl, IUserDirectory directory, ImapOptions options)
    {
        _own = own;
        _store = store;
        _acl = acl;
        _evaluator = new AclEvaluator(own.UserId, directory);
        _publicAdministrator = options.PublicFolderAdministrators.Contains(own.UserId, StringComparer.OrdinalIgnoreCase);
    }

    public string UserId => _own.UserId;

    /// <summary>The user's own account (what its store keeps for the user alone, such as quota, is asked of it).</summary>
    public IMailAccount Own => _own;

    /// <summary>The store's access control lists.</summary>
    public IMailboxAclStore Acl => _acl;

    /// <summary>Where a name lives.</summary>
    /// <param name="name">A normalised name.</param>
    /// <returns>The location.</returns>
    public MailboxLocation Locate(string name) => MailboxLocation.Of(UserId, name);

    /// <summary>
    /// The rights the user has on a mailbox: every right on a personal one; on another's or a public one what its list
    /// grants (every right for a public folder administrator); none where no mailbox is; "l" on a virtual level (and
    /// every right on the <c>Shared</c> root for an administrator, who creates the public folders).
    /// </summary>
    /// <param name="name">A normalised name.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <param name="checkExists">Whether to look whether a personal mailbox exists (else it is said to).</param>
    /// <returns>The rights, and whether a mailbox stands behind the name.</returns>
    public async ValueTask<(MailboxRights Rights, bool Exists)> RightsAsync(string name, CancellationToken cancellationToken, bool checkExists = false)
    {
        var location = Locate(name);
        switch (location.Kind)
        {
            case MailboxLocationKind.Personal:
                return (MailboxRights.All, !checkExists || await _own.GetStatusAsync(name, cancellationToken).ConfigureAwait(false) is not null);
            case MailboxLocationKind.Virtual:
                return (location.OwnerId is null && _publicAdministrator ? MailboxRights.All : MailboxRights.Lookup, false);
            case MailboxLocationKind.None:
                return (MailboxRights.None, false);
        }

        if (await _acl.GetAclAsync(location.OwnerId, location.LocalName, cancellationToken).ConfigureAwait(false) is not { } entries)
        {
            return (MailboxRights.None, false);
        }

        var rights = location.Kind == MailboxLocationKind.Public && _publicAdministrator
            ? MailboxRights.All
            : await _evaluator.RightsAsync(entries, cancellationToken).ConfigureAwait(false);
        return (rights, true);
    }

    /// <summary>The account a location's mailbox lives in (opened once per session), or <see langword="null"/> for none.</summary>
    /// <param name="location">Where the mailbox lives: the user's own tree, another user's, or a shared one.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The account.</returns>
    public async ValueTask<IMailAccount?> AccountOfAsync(MailboxLocation location, CancellationToken cancellationToken)
    {
        switch (location.Kind)
        {
            case MailboxLocationKind.Personal:
                return _own;
            case MailboxLocationKind.Public:
                return _public ??= await _acl.OpenPublicAccountAsync(cancellationToken).ConfigureAwait(false);
            case MailboxLocationKind.OtherUser:
                _others ??= new(StringComparer.OrdinalIgnoreCase);
                if (!_others.TryGetValue(location.OwnerId!, out var account))
                {
                    account = await _store.OpenAccountAsync(location.OwnerId!, cancellationToken).ConfigureAwait(false);
                    _others[location.OwnerId!] = account;
                }

                return account;
            default:
                return null;
        }
    }

    public async ValueTask<IReadOnlyList<MailboxInfo>> ListAsync(CancellationToken cancellationToken)
    {
        var list = (await _own.ListAsync(cancellationToken).ConfigureAwait(false)).Where(m => !MailboxLocation.IsReserved(m.Name)).ToList();
        var subscribed = (await _own.ListSubscriptionsAsync(cancellationToken).ConfigureAwait(false)).ToHashSet(StringComparer.Ordinal);
        var shared = new List<string>();
        var publicAcls = new Dictionary<string, IReadOnlyList<MailboxAclEntry>>(StringComparer.Ordinal);
        foreach (var mailbox in await _acl.ListSharedAsync(cancellationToken).ConfigureAwait(false))
        {
            if (mailbox.OwnerId is null)
            {
                publicAcls[mailbox.Mailbox] = mailbox.Entries;
            }
            else if (!mailbox.OwnerId.Equals(UserId, StringComparison.OrdinalIgnoreCase)
                && ((await _evaluator.RightsAsync(mailbox.Entries, cancellationToken).ConfigureAwait(false)) & MailboxRights.Lookup) != 0)
            {
                shared.Add(MailboxLocation.NameOf(mailbox.OwnerId, mailbox.Mailbox));
            }
        }

        if (_publicAdministrator || publicAcls.Count > 0)
        {
            var tree = await AccountOfAsync(new MailboxLocation(MailboxLocationKind.Public, null, string.Empty), cancellationToken).ConfigureAwait(false);
            foreach (var folder in await tree!.ListAsync(cancellationToken).ConfigureAwait(false))
            {
                if (folder.Name != MailboxName.Inbox
                    && (_publicAdministrator || (publicAcls.TryGetValue(folder.Name, out var entries) && ((await _evaluator.RightsAsync(entries, cancellationToken).ConfigureAwait(false)) & MailboxRights.Lookup) != 0)))
                {
                    shared.Add(MailboxLocation.NameOf(null, folder.Name));
                }
            }
        }

        // The levels above shared mailboxes, which hold none themselves (LIST shows them \Noselect).
        var virtualLevels = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var name in shared)
        {
            var location = Locate(name);
            virtualLevels.Add(location.OwnerId is null ? MailboxLocation.PublicRoot : MailboxLocation.OtherUsersRoot);
            if (location.OwnerId is { } owner)
            {
                virtualLevels.Add(MailboxLocation.OtherUsersRoot + MailboxName.Separator + owner);
            }
        }

        var all = shared.Concat(virtualLevels).ToList();
        list.AddRange(all.Order(StringComparer.Ordinal).Select(n => new MailboxInfo(
            n, MailboxRole.None, subscribed.Contains(n), all.Exists(c => c.StartsWith(n + MailboxName.Separator, StringComparison.Ordinal)))));
        return list;
    }

    /// <summary>Whether a name is a level above shared mailboxes that holds none itself.</summary>
    /// <param name="name">A normalised name.</param>
    /// <returns>Whether LIST shows it \Noselect.</returns>
    public bool IsVirtual(string name) => Locate(name).Kind == MailboxLocationKind.Virtual;

    public async ValueTask<MailboxResult> CreateAsync(string name, MailboxRole role, CancellationToken cancellationToken)
    {
        var location = Locate(name);
        if (location.Kind == MailboxLocationKind.Personal && MailboxLocation.IsReserved(name))
        {
            return new MailboxResult(StoreStatus.NotAllowed, "that name is a namespace");
        }

        if (await RoutedAsync(name, location, cancellationToken).ConfigureAwait(false) is not { } account)
        {
            return new MailboxResult(location.Kind == MailboxLocationKind.Virtual ? StoreStatus.AlreadyExists : StoreStatus.NotAllowed, "cannot create a mailbox there");
        }

        var result = await account.CreateAsync(location.LocalName, location.IsShared ? MailboxRole.None : role, cancellationToken).ConfigureAwait(false);
        if (result.Succeeded)
        {
            await InheritAclAsync(location, cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    public async ValueTask<MailboxResult> RenameAsync(string from, string to, CancellationToken cancellationToken)
    {
        var source = Locate(from);
        var target = Locate(to);
        if (target.Kind == MailboxLocationKind.Personal && MailboxLocation.IsReserved(to))
        {
            return new MailboxResult(StoreStatus.NotAllowed, "that name is a namespace");
        }

        if (source.Kind != target.Kind || !string.Equals(source.OwnerId, target.OwnerId, StringComparison.OrdinalIgnoreCase))
        {
            return new MailboxResult(StoreStatus.NotAllowed, "cannot rename a mailbox into another owner's tree");
        }

        return await RoutedAsync(from, source, cancellationToken).ConfigureAwait(false) is { } account
            ? await account.RenameAsync(source.LocalName, target.LocalName, cancellationToken).ConfigureAwait(false)
            : new MailboxResult(StoreStatus.NotFound, "no such mailbox");
    }

    public async ValueTask<MailboxResult> DeleteAsync(string name, CancellationToken cancellationToken)
    {
        var location = Locate(name);
        return await RoutedAsync(name, location, cancellationToken).ConfigureAwait(false) is { } account
            ? await account.DeleteAsync(location.LocalName, cancellationToken).ConfigureAwait(false)
            : new MailboxResult(StoreStatus.NotFound, "no such mailbox");
    }

    public ValueTask<MailboxResult> SetSubscribedAsync(string name, bool subscribed, CancellationToken cancellationToken) =>
        _own.SetSubscribedAsync(name, subscribed, cancellationToken);

    public ValueTask<IReadOnlyList<string>> ListSubscriptionsAsync(CancellationToken cancellationToken) => _own.ListSubscriptionsAsync(cancellationToken);

    public async ValueTask<MailboxStatus?> GetStatusAsync(string name, CancellationToken cancellationToken)
    {
        var location = Locate(name);
        return await RoutedAsync(name, location, cancellationToken, MailboxRights.Read).ConfigureAwait(false) is { } account
            ? await account.GetStatusAsync(location.LocalName, cancellationToken).ConfigureAwait(false)
            : null;
    }

    public async ValueTask<IMailboxView?> OpenAsync(string name, bool readOnly, CancellationToken cancellationToken)
    {
        var location = Locate(name);
        return await RoutedAsync(name, location, cancellationToken, MailboxRights.Read).ConfigureAwait(false) is { } account
            ? await account.OpenAsync(location.LocalName, readOnly, cancellationToken).ConfigureAwait(false)
            : null;
    }

    public async ValueTask<AppendResult> AppendAsync(string name, Stream content, SystemFlags flags, IReadOnlyCollection<string> keywords, DateTimeOffset? internalDate, CancellationToken cancellationToken)
    {
        var location = Locate(name);
        return await RoutedAsync(name, location, cancellationToken, MailboxRights.Lookup | MailboxRights.Read | MailboxRights.Insert).ConfigureAwait(false) is { } account
            ? await account.AppendAsync(location.LocalName, content, flags, keywords, internalDate, cancellationToken).ConfigureAwait(false)
            : new AppendResult(StoreStatus.NotFound, Message: "no such mailbox");
    }

    /// <summary>POP3 and the maildrop lock keep to the user's own INBOX.</summary>
    public ValueTask<IAsyncDisposable?> TryLockMaildropAsync(CancellationToken cancellationToken) => _own.TryLockMaildropAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        foreach (var account in _others?.Values ?? Enumerable.Empty<IMailAccount>())
        {
            await account.DisposeAsync().ConfigureAwait(false);
        }

        if (_public is not null)
        {
            await _public.DisposeAsync().ConfigureAwait(false);
        }

        await _own.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// The account of a name on which the user has one of <paramref name="needed"/> (by default: may look it up, read
    /// it, or create below the level above it); <see langword="null"/> otherwise, so a mailbox hidden from the user
    /// is, to it, one that does not exist, and no status or content leaves a mailbox the user may not read.
    /// </summary>
    private async ValueTask<IMailAccount?> RoutedAsync(string name, MailboxLocation location, CancellationToken cancellationToken, MailboxRights needed = MailboxRights.Lookup | MailboxRights.Read | MailboxRights.CreateMailbox)
    {
        if (location.Kind is MailboxLocationKind.Personal or MailboxLocationKind.None or MailboxLocationKind.Virtual)
        {
            return await AccountOfAsync(location, cancellationToken).ConfigureAwait(false);
        }

        var (rights, exists) = await RightsAsync(name, cancellationToken).ConfigureAwait(false);
        if (!exists)
        {
            // Creating: the nearest existing level above decides (the commands check "k" on it).
            var parent = MailboxAccess.NearestParent(name);
            (rights, _) = parent is null ? (MailboxRights.None, false) : await RightsAsync(parent, cancellationToken).ConfigureAwait(false);
        }

        return (rights & needed) != 0
            ? await AccountOfAsync(location, cancellationToken).ConfigureAwait(false)
            : null;
    }

    /// <summary>RFC 4314 §4: a new mailbox inherits its parent's list.</summary>
    private async ValueTask InheritAclAsync(MailboxLocation location, CancellationToken cancellationToken)
    {
        var slash = location.LocalName.LastIndexOf(MailboxName.Separator);
        if (slash <= 0 || await _acl.GetAclAsync(location.OwnerId, location.LocalName[..slash], cancellationToken).ConfigureAwait(false) is not { } parent)
        {
            return;
        }

        foreach (var entry in parent)
        {
            await _acl.SetAclAsync(location.OwnerId, location.LocalName, entry.Identifier, entry.Rights, cancellationToken).ConfigureAwait(false);
        }
    }
}
