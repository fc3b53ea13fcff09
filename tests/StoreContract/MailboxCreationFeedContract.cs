using MailKitServer.Storage;

namespace MailKitServer.TestSupport.StoreContract;

/// <summary>
/// What a store that reports new mailboxes (<see cref="IMailboxCreationFeed"/>: in-memory, Maildir) must tell its
/// listeners, run against each by a subclass that says how to make one; what only one store does stays in its subclass.
/// </summary>
public abstract class MailboxCreationFeedContract : IAsyncLifetime
{
    private readonly List<(string User, string Mailbox)> _created = [];

    protected IMessageStore Store { get; private set; } = null!;

    /// <summary>What the listeners were told since the last <see cref="Heard"/> (a copy; the list is then emptied).</summary>
    protected List<(string User, string Mailbox)> Heard()
    {
        lock (_created)
        {
            var heard = _created.ToList();
            _created.Clear();
            return heard;
        }
    }

    /// <summary>Makes the store under test.</summary>
    protected abstract Task<IMessageStore> CreateStoreAsync();

    /// <summary>Releases the store.</summary>
    protected virtual Task DisposeStoreAsync() => Task.CompletedTask;

    public async Task InitializeAsync()
    {
        Store = await CreateStoreAsync();
        ((IMailboxCreationFeed)Store).MailboxCreated += (user, mailbox) =>
        {
            lock (_created)
            {
                _created.Add((user, mailbox));
            }
        };
    }

    public Task DisposeAsync() => DisposeStoreAsync();

    [Fact]
    public async Task Create_and_rename_tell_the_listeners_which_mailboxes_exist_now()
    {
        await using var account = await Store.OpenAccountAsync("alice@example.test", default);
        Heard();
        Assert.Equal(StoreStatus.Success, (await account.CreateAsync("Projects/Launch", MailboxRole.None, default)).Status);
        Assert.Equal([("alice@example.test", "Projects"), ("alice@example.test", "Projects/Launch")], Heard());

        Assert.Equal(StoreStatus.Success, (await account.RenameAsync("Projects", "Done", default)).Status);
        Assert.Equal([("alice@example.test", "Done"), ("alice@example.test", "Done/Launch")], Heard().Order());

        Assert.Equal(StoreStatus.AlreadyExists, (await account.CreateAsync("Done", MailboxRole.None, default)).Status);
        Assert.Empty(Heard());
    }
}
