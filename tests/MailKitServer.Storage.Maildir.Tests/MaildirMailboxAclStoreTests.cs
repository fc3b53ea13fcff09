using MailKitServer.Storage.Acl;
using MailKitServer.TestSupport.StoreContract;

namespace MailKitServer.Storage.Maildir.Tests;

/// <summary>The access control list contract against the Maildir store, and the <c>dovecot-acl</c> file it writes.</summary>
public sealed class MaildirMailboxAclStoreTests : MailboxAclStoreContract
{
    private readonly string _root = Directory.CreateTempSubdirectory("mks-maildir-acl-").FullName;

    protected override Task<IMessageStore> CreateStoreAsync() => Task.FromResult<IMessageStore>(new MaildirMessageStore(new MaildirStoreOptions { Root = _root }));

    protected override async Task DisposeStoreAsync()
    {
        // The store saves indexes in the background: it stops (and finishes what it started) before its folder goes.
        await ((MaildirMessageStore)Store).DisposeAsync();
        MailKitServer.TestSupport.TempDirectories.Delete(_root);
    }

    [Fact]
    public async Task The_list_is_written_in_dovecots_own_format_with_the_owner_first()
    {
        var alice = User("alice");
        await using var account = await Store.OpenAccountAsync(alice, default);
        await account.CreateAsync("Projects", MailboxRole.None, default);
        await Acl.SetAclAsync(alice, "Projects", "bob@example.test", MailboxRights.Lookup | MailboxRights.Read | MailboxRights.Seen, default);
        await Acl.SetAclAsync(alice, "Projects", "$team@example.test", MailboxRights.Lookup | MailboxRights.Insert, default);
        await Acl.SetAclAsync(alice, "Projects", "-anyone", MailboxRights.Write, default);
        await Acl.SetAclAsync(alice, "INBOX", "authenticated", MailboxRights.Lookup, default);

        var folder = Path.Combine(_root, alice, "Maildir", ".Projects", "dovecot-acl");
        Assert.Equal("owner lrwstipekxa\nuser=bob@example.test lrs\ngroup=team@example.test li\n-anyone w\n", await File.ReadAllTextAsync(folder));
        Assert.Equal("owner lrwstipekxa\nauthenticated l\n", await File.ReadAllTextAsync(Path.Combine(_root, alice, "Maildir", "dovecot-acl")));
    }

    [Fact]
    public async Task A_file_dovecot_wrote_is_read_with_what_this_store_knows_of_it()
    {
        var alice = User("alice");
        await using var account = await Store.OpenAccountAsync(alice, default);
        await account.CreateAsync("Team", MailboxRole.None, default);
        await File.WriteAllTextAsync(
            Path.Combine(_root, alice, "Maildir", ".Team", "dovecot-acl"),
            "# comment\nowner lrwstipekxa\nuser=carol lrwts :$Label\ngroup-override=staff lr\n-user=dave w\nbogus x\n\n");
        var acl = (await Acl.GetAclAsync(alice, "Team", default))!;
        Assert.Equal(
            [("carol", "lrswt"), ("$staff", "lr"), ("-dave", "w")],
            acl.Select(e => (e.Identifier, MailboxRightsText.Format(e.Rights))));
    }

    [Fact]
    public async Task An_identifier_that_would_break_a_line_is_refused()
    {
        var alice = User("alice");
        await using var account = await Store.OpenAccountAsync(alice, default);
        Assert.Equal(StoreStatus.InvalidName, (await Acl.SetAclAsync(alice, "INBOX", "bob\nuser=eve", MailboxRights.All, default)).Status);
        Assert.Equal(StoreStatus.InvalidName, (await Acl.SetAclAsync(alice, "INBOX", "bob eve", MailboxRights.All, default)).Status);
    }
}
