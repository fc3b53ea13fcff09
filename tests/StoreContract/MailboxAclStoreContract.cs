using MailKitServer.Storage;
using MailKitServer.Storage.Acl;

namespace MailKitServer.TestSupport.StoreContract;

/// <summary>
/// What every store that implements <see cref="IMailboxAclStore"/> must do, run against each such store by a
/// subclass that says how to make one. Users are unique per test.
/// </summary>
public abstract class MailboxAclStoreContract : IAsyncLifetime
{
    private readonly string _tag = Guid.NewGuid().ToString("N")[..10];

    protected IMessageStore Store { get; private set; } = null!;

    protected IMailboxAclStore Acl => (IMailboxAclStore)Store;

    /// <summary>Makes the store under test.</summary>
    protected abstract Task<IMessageStore> CreateStoreAsync();

    /// <summary>Releases the store.</summary>
    protected virtual Task DisposeStoreAsync() => Task.CompletedTask;

    public async Task InitializeAsync() => Store = await CreateStoreAsync();

    public Task DisposeAsync() => DisposeStoreAsync();

    protected string User(string name) => $"{name}-{_tag}@example.test";

    [Fact]
    public async Task A_new_mailbox_has_an_empty_list_and_a_missing_one_none()
    {
        var alice = User("alice");
        await using var account = await Store.OpenAccountAsync(alice, default);
        Assert.True((await account.CreateAsync("Projects", MailboxRole.None, default)).Succeeded);
        Assert.Empty((await Acl.GetAclAsync(alice, "Projects", default))!);
        Assert.Null(await Acl.GetAclAsync(alice, "Nothing", default));
        Assert.Equal(StoreStatus.NotFound, (await Acl.SetAclAsync(alice, "Nothing", "bob", MailboxRights.Read, default)).Status);
    }

    [Fact]
    public async Task Entries_are_set_replaced_and_removed_and_listed_as_shared()
    {
        var alice = User("alice");
        var bob = User("bob");
        await using var account = await Store.OpenAccountAsync(alice, default);
        await account.CreateAsync("Projects/2026", MailboxRole.None, default);
        Assert.True((await Acl.SetAclAsync(alice, "Projects/2026", bob, MailboxRights.Lookup | MailboxRights.Read, default)).Succeeded);
        Assert.True((await Acl.SetAclAsync(alice, "Projects/2026", "$team@example.test", MailboxRights.Lookup, default)).Succeeded);
        Assert.True((await Acl.SetAclAsync(alice, "Projects/2026", "-" + bob, MailboxRights.Write, default)).Succeeded);
        Assert.True((await Acl.SetAclAsync(alice, "Projects/2026", bob.ToUpperInvariant(), MailboxRights.Lookup | MailboxRights.Read | MailboxRights.Expunge, default)).Succeeded);

        var acl = (await Acl.GetAclAsync(alice, "Projects/2026", default))!;
        Assert.Equal(3, acl.Count);
        Assert.Equal(MailboxRights.Lookup | MailboxRights.Read | MailboxRights.Expunge, acl.Single(e => e.Identifier.Equals(bob, StringComparison.OrdinalIgnoreCase)).Rights);
        Assert.Equal(MailboxRights.Lookup, acl.Single(e => e.Identifier == "$team@example.test").Rights);
        Assert.Equal(MailboxRights.Write, acl.Single(e => e.Identifier == "-" + bob).Rights);

        var shared = (await Acl.ListSharedAsync(default)).Single(s => s.OwnerId is { } o && o.Equals(alice, StringComparison.OrdinalIgnoreCase));
        Assert.Equal("Projects/2026", shared.Mailbox);
        Assert.Equal(3, shared.Entries.Count);

        Assert.True((await Acl.SetAclAsync(alice, "Projects/2026", bob, null, default)).Succeeded);
        Assert.True((await Acl.SetAclAsync(alice, "Projects/2026", "$team@example.test", MailboxRights.None, default)).Succeeded);
        Assert.Equal(["-" + bob], (await Acl.GetAclAsync(alice, "Projects/2026", default))!.Select(e => e.Identifier));
    }

    [Fact]
    public async Task Rename_keeps_the_list_and_delete_drops_it()
    {
        var alice = User("alice");
        await using var account = await Store.OpenAccountAsync(alice, default);
        await account.CreateAsync("Old/Child", MailboxRole.None, default);
        await Acl.SetAclAsync(alice, "Old/Child", "anyone", MailboxRights.Lookup, default);
        Assert.True((await account.RenameAsync("Old", "New", default)).Succeeded);
        Assert.Null(await Acl.GetAclAsync(alice, "Old/Child", default));
        Assert.Equal(MailboxRights.Lookup, (await Acl.GetAclAsync(alice, "New/Child", default))!.Single().Rights);

        Assert.True((await account.DeleteAsync("New/Child", default)).Succeeded);
        Assert.True((await account.CreateAsync("New/Child", MailboxRole.None, default)).Succeeded);
        Assert.Empty((await Acl.GetAclAsync(alice, "New/Child", default))!);
        Assert.DoesNotContain(await Acl.ListSharedAsync(default), s => s.OwnerId is { } o && o.Equals(alice, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task The_public_tree_is_an_account_of_its_own_with_lists()
    {
        await using var tree = await Acl.OpenPublicAccountAsync(default);
        var name = "Announcements-" + _tag;
        Assert.True((await tree.CreateAsync(name, MailboxRole.None, default)).Succeeded);
        Assert.True((await Acl.SetAclAsync(null, name, "anyone", MailboxRights.Lookup | MailboxRights.Read, default)).Succeeded);
        Assert.Contains(await Acl.ListSharedAsync(default), s => s.OwnerId is null && s.Mailbox == name);

        var appended = await tree.AppendAsync(name, new MemoryStream("Subject: hello\r\n\r\nall\r\n"u8.ToArray()), SystemFlags.None, [], null, default);
        Assert.Equal(StoreStatus.Success, appended.Status);
        await using var again = await Acl.OpenPublicAccountAsync(default);
        Assert.Equal(1, (await again.GetStatusAsync(name, default))!.Messages);
        Assert.DoesNotContain(await again.ListAsync(default), m => m.Name == "Sent");
    }
}
