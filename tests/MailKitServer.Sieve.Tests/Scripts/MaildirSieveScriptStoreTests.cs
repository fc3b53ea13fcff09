using MailKitServer.Sieve.Scripts;
using MailKitServer.TestSupport.SieveScriptStoreContract;

namespace MailKitServer.Sieve.Tests.Scripts;

/// <summary>
/// The script store contract against the Maildir store ("reopen" is a new instance over the same folder, as after a
/// restart), and its layout: Dovecot Pigeonhole's.
/// </summary>
public sealed class MaildirSieveScriptStoreTests : SieveScriptStoreContract
{
    private readonly string _root = Directory.CreateTempSubdirectory("mks-sieve-store-").FullName;

    private string GlobalDirectory => Path.Combine(_root, "global");

    protected override Task<ISieveScriptStore> CreateStoreAsync() => Task.FromResult<ISieveScriptStore>(new MaildirSieveScriptStore(_root, GlobalDirectory));

    protected override Task<ISieveScriptStore> ReopenAsync() => CreateStoreAsync();

    protected override async Task SetGlobalAsync(string name, string content)
    {
        Directory.CreateDirectory(GlobalDirectory);
        await File.WriteAllTextAsync(Path.Combine(GlobalDirectory, name + ".sieve"), content);
    }

    protected override Task DisposeStoreAsync()
    {
        Directory.Delete(_root, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task The_Maildir_store_uses_Pigeonholes_layout_and_survives_a_restart()
    {
        var store = new MaildirSieveScriptStore(_root);
        await store.PutAsync("bob@example.test", "rules", "keep;", default);
        await store.SetActiveAsync("bob@example.test", "rules", default);
        var now = DateTimeOffset.UtcNow;
        Assert.True(await store.TryRecordReplyAsync("bob@example.test", "ab12", now, TimeSpan.FromDays(7), default));

        Assert.Equal("keep;", await File.ReadAllTextAsync(Path.Combine(_root, "bob@example.test", "sieve", "rules.sieve")));
        Assert.Equal(Path.Combine("sieve", "rules.sieve"), new FileInfo(Path.Combine(_root, "bob@example.test", ".dovecot.sieve")).LinkTarget);

        var reopened = new MaildirSieveScriptStore(_root);
        Assert.Equal([new SieveScriptInfo("rules", true)], await reopened.ListAsync("bob@example.test", default));
        Assert.False(await reopened.TryRecordReplyAsync("bob@example.test", "ab12", now.AddDays(1), TimeSpan.FromDays(7), default));
        await Assert.ThrowsAsync<ArgumentException>(async () => await reopened.PutAsync("bob@example.test", "../escape", "keep;", default));
    }

    [Fact]
    public async Task Global_scripts_never_escape_their_folder()
    {
        await SetGlobalAsync("spam", "discard;");
        var store = new MaildirSieveScriptStore(_root, GlobalDirectory);
        Assert.Equal("discard;", await store.GetGlobalAsync("spam", default));
        Assert.Null(await store.GetGlobalAsync("../global/spam", default));
        Assert.Null(await new MaildirSieveScriptStore(_root).GetGlobalAsync("spam", default));
    }
}
