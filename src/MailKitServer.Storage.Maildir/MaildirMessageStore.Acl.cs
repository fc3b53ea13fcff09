using MailKitServer.Storage.Acl;

namespace MailKitServer.Storage.Maildir;

/// <summary>
/// Access control lists (in each folder's <see cref="MaildirAclFile"/>) and the public tree (a Maildir of its own at
/// <c>.public/Maildir</c> under the root, a name no user's folder can have: theirs never start with a dot).
/// </summary>
public sealed partial class MaildirMessageStore : IMailboxAclStore
{
    private const string PublicFolder = ".public";
    private readonly SemaphoreSlim _aclGate = new(1, 1);

    /// <inheritdoc />
    public ValueTask<IMailAccount> OpenPublicAccountAsync(CancellationToken cancellationToken)
    {
        var root = Path.Combine(Root, PublicFolder, "Maildir");
        MaildirFolder.CreateDirectories(root);
        return ValueTask.FromResult<IMailAccount>(new MaildirAccount(this, string.Empty, root));
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<MailboxAclEntry>?> GetAclAsync(string? ownerId, string mailbox, CancellationToken cancellationToken) =>
        FolderOf(ownerId, mailbox) is { } folder ? await MaildirAclFile.ReadAsync(folder, cancellationToken).ConfigureAwait(false) : null;

    /// <inheritdoc />
    public async ValueTask<MailboxResult> SetAclAsync(string? ownerId, string mailbox, string identifier, MailboxRights? rights, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(identifier);
        if (identifier.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            // One entry is one line of "identifier rights": no identifier may break it.
            return new MailboxResult(StoreStatus.InvalidName, "invalid identifier");
        }

        if (FolderOf(ownerId, mailbox) is not { } folder)
        {
            return new MailboxResult(StoreStatus.NotFound, "no such mailbox");
        }

        await _aclGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var entries = await MaildirAclFile.ReadAsync(folder, cancellationToken).ConfigureAwait(false);
            MailboxAclList.Set(entries, identifier, rights);
            await MaildirAclFile.WriteAsync(folder, entries, cancellationToken).ConfigureAwait(false);
            return MailboxResult.Ok;
        }
        finally
        {
            _aclGate.Release();
        }
    }

    /// <inheritdoc />
    /// <remarks>Looks at every folder of every user for a <c>dovecot-acl</c> file: a cost that grows with the tree.</remarks>
    public async ValueTask<IReadOnlyList<SharedMailboxAcl>> ListSharedAsync(CancellationToken cancellationToken)
    {
        var shared = new List<SharedMailboxAcl>();
        foreach (var userFolder in Directory.EnumerateDirectories(Root))
        {
            var folderName = Path.GetFileName(userFolder);
            var ownerId = folderName == PublicFolder ? null : MaildirUserFolder.Decode(folderName);
            if (ownerId is null && folderName != PublicFolder)
            {
                continue;
            }

            var maildir = Path.Combine(userFolder, "Maildir");
            if (!Directory.Exists(maildir))
            {
                continue;
            }

            var folders = Directory.EnumerateDirectories(maildir)
                .Select(d => (Name: MaildirFolderNames.FromDirectory(Path.GetFileName(d)), Path: d))
                .Where(f => f.Name is not null)
                .Prepend((Name: (string?)MailboxName.Inbox, Path: maildir));
            foreach (var (name, path) in folders)
            {
                if (File.Exists(Path.Combine(path, MaildirAclFile.Name))
                    && await MaildirAclFile.ReadAsync(path, cancellationToken).ConfigureAwait(false) is { Count: > 0 } entries)
                {
                    shared.Add(new SharedMailboxAcl(ownerId, name!, entries));
                }
            }
        }

        return shared;
    }

    /// <summary>The directory of an existing folder of an owner (or of the public tree), or <see langword="null"/>.</summary>
    private string? FolderOf(string? ownerId, string mailbox)
    {
        if (!MailboxName.TryNormalize(mailbox, out var name))
        {
            return null;
        }

        string root;
        try
        {
            root = Path.Combine(Root, ownerId is null ? PublicFolder : MaildirUserFolder.Encode(ownerId), "Maildir");
        }
        catch (ArgumentException)
        {
            return null;
        }

        if (!MaildirFolderNames.Fits(root, name))
        {
            return null;
        }

        var path = MaildirFolderNames.ToDirectory(root, name);
        return Directory.Exists(Path.Combine(path, "cur")) ? path : null;
    }
}
