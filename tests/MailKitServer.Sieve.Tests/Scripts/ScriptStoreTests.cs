using MailKitServer.Sieve.Scripts;

namespace MailKitServer.Sieve.Tests.Scripts;

/// <summary>Both script stores keep the same promises; the Maildir one in Dovecot Pigeonhole's layout, across restarts.</summary>
public sealed class ScriptStoreTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("mks-sieve-store-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    public static TheoryData<string> Kinds => new() { "memory", "maildir" };

    private ISieveScriptStore Create(string kind) => kind == "memory" ? new InMemorySieveScriptStore() : new MaildirSieveScriptStore(_root);

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Put_list_activate_rename_and_delete(string kind)
    {
        var store = Create(kind);
        const string user = "Bob@Example.test";
        Assert.Empty(await store.ListAsync(user, default));
        await store.PutAsync(user, "one", "keep;", default);
        await store.PutAsync(user, "two", "discard;", default);
        Assert.True(await store.SetActiveAsync(user, "two", default));
        Assert.False(await store.SetActiveAsync(user, "missing", default));
        Assert.Equal([new SieveScriptInfo("one", false), new SieveScriptInfo("two", true)], await store.ListAsync(user, default));
        Assert.True(await store.RenameAsync(user, "two", "three", default));
        Assert.Equal([new SieveScriptInfo("one", false), new SieveScriptInfo("three", true)], await store.ListAsync(user, default));
        Assert.Equal("discard;", await store.GetAsync(user, "three", default));
        Assert.Null(await store.GetAsync(user, "two", default));
        await store.PutAsync(user, "three", "stop;", default);
        Assert.Equal("stop;", await store.GetAsync(user, "three", default));
        Assert.True(await store.SetActiveAsync(user, null, default));
        Assert.All(await store.ListAsync(user, default), s => Assert.False(s.IsActive));
        Assert.True(await store.DeleteAsync(user, "one", default));
        Assert.False(await store.DeleteAsync(user, "one", default));
        Assert.Empty(await store.ListAsync("alice@example.test", default));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task A_vacation_record_holds_for_its_period(string kind)
    {
        var store = Create(kind);
        var now = new DateTimeOffset(2026, 11, 29, 0, 0, 0, TimeSpan.Zero);
        Assert.True(await store.TryRecordReplyAsync("bob", "ab12", now, TimeSpan.FromDays(1), default));
        Assert.False(await store.TryRecordReplyAsync("bob", "ab12", now.AddHours(23), TimeSpan.FromDays(1), default));
        Assert.True(await store.TryRecordReplyAsync("bob", "cd34", now.AddHours(23), TimeSpan.FromDays(1), default));
        Assert.True(await store.TryRecordReplyAsync("bob", "ab12", now.AddHours(25), TimeSpan.FromDays(1), default));
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
    public async Task Global_scripts_come_from_their_folder()
    {
        var global = Directory.CreateDirectory(Path.Combine(_root, "global")).FullName;
        await File.WriteAllTextAsync(Path.Combine(global, "spam.sieve"), "discard;");
        var store = new MaildirSieveScriptStore(_root, global);
        Assert.Equal("discard;", await store.GetGlobalAsync("spam", default));
        Assert.Null(await store.GetGlobalAsync("missing", default));
        Assert.Null(await store.GetGlobalAsync("../global/spam", default));
    }
}
