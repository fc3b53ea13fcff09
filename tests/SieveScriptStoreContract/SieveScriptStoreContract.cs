using MailKitServer.Sieve.Scripts;

namespace MailKitServer.TestSupport.SieveScriptStoreContract;

/// <summary>
/// What every <see cref="ISieveScriptStore"/> must do for ManageSieve and delivery, run against each store (in memory,
/// Maildir, PostgreSQL) by a subclass that says how to make one. Users are unique per test, so a subclass may share
/// one store (one database) between tests.
/// </summary>
public abstract class SieveScriptStoreContract : IAsyncLifetime
{
    private readonly string _tag = Guid.NewGuid().ToString("N")[..10];

    protected ISieveScriptStore Store { get; private set; } = null!;

    /// <summary>Makes the store under test.</summary>
    protected abstract Task<ISieveScriptStore> CreateStoreAsync();

    /// <summary>A second instance over the same storage, as after a restart or on another node.</summary>
    protected abstract Task<ISieveScriptStore> ReopenAsync();

    /// <summary>Sets a global script the way this store's owner does.</summary>
    protected abstract Task SetGlobalAsync(string name, string content);

    /// <summary>Releases the store.</summary>
    protected virtual Task DisposeStoreAsync() => Task.CompletedTask;

    public async Task InitializeAsync() => Store = await CreateStoreAsync();

    public Task DisposeAsync() => DisposeStoreAsync();

    protected string User(string name) => $"{name}-{_tag}@example.test";

    [Fact]
    public async Task Put_list_activate_rename_and_delete()
    {
        var user = User("bob");
        Assert.Empty(await Store.ListAsync(user, default));
        await Store.PutAsync(user, "one", "keep;", default);
        await Store.PutAsync(user, "two", "discard;", default);
        Assert.True(await Store.SetActiveAsync(user, "two", default));
        Assert.False(await Store.SetActiveAsync(user, "missing", default));
        Assert.Equal([new SieveScriptInfo("one", false), new SieveScriptInfo("two", true)], await Store.ListAsync(user, default));
        Assert.True(await Store.RenameAsync(user, "two", "three", default));
        Assert.False(await Store.RenameAsync(user, "two", "four", default));
        Assert.Equal([new SieveScriptInfo("one", false), new SieveScriptInfo("three", true)], await Store.ListAsync(user, default));
        Assert.Equal("discard;", await Store.GetAsync(user, "three", default));
        Assert.Null(await Store.GetAsync(user, "two", default));
        await Store.PutAsync(user, "three", "stop;", default);
        Assert.Equal("stop;", await Store.GetAsync(user, "three", default));
        Assert.Equal([new SieveScriptInfo("one", false), new SieveScriptInfo("three", true)], await Store.ListAsync(user, default));
        Assert.True(await Store.SetActiveAsync(user, null, default));
        Assert.All(await Store.ListAsync(user, default), s => Assert.False(s.IsActive));
        Assert.True(await Store.DeleteAsync(user, "one", default));
        Assert.False(await Store.DeleteAsync(user, "one", default));
        Assert.Empty(await Store.ListAsync(User("alice"), default));
    }

    [Fact]
    public async Task Activating_a_missing_script_keeps_the_active_one_and_deleting_the_active_one_leaves_none()
    {
        var user = User("carol");
        await Store.PutAsync(user, "rules", "keep;", default);
        Assert.True(await Store.SetActiveAsync(user, "rules", default));
        Assert.False(await Store.SetActiveAsync(user, "missing", default));
        Assert.Equal([new SieveScriptInfo("rules", true)], await Store.ListAsync(user, default));
        Assert.True(await Store.DeleteAsync(user, "rules", default));
        await Store.PutAsync(user, "rules", "keep;", default);
        Assert.Equal([new SieveScriptInfo("rules", false)], await Store.ListAsync(user, default));
    }

    [Fact]
    public async Task Names_and_text_keep_every_character_and_survive_a_reopen()
    {
        var user = User("dora");
        const string text = "require \"vacation\";\r\nvacation \"Je suis absente, répondez-moi plus tard. 休暇中\";\r\n";
        await Store.PutAsync(user, "Répondeur", text, default);
        Assert.True(await Store.SetActiveAsync(user, "Répondeur", default));
        var reopened = await ReopenAsync();
        Assert.Equal([new SieveScriptInfo("Répondeur", true)], await reopened.ListAsync(user, default));
        Assert.Equal(text, await reopened.GetAsync(user, "Répondeur", default));
    }

    [Fact]
    public async Task A_vacation_record_holds_for_its_period_and_survives_a_reopen()
    {
        var user = User("erin");
        var now = new DateTimeOffset(2026, 11, 29, 0, 0, 0, TimeSpan.FromHours(1));
        Assert.True(await Store.TryRecordReplyAsync(user, "ab12", now, TimeSpan.FromDays(1), default));
        Assert.False(await Store.TryRecordReplyAsync(user, "ab12", now.AddHours(23), TimeSpan.FromDays(1), default));
        Assert.True(await Store.TryRecordReplyAsync(user, "cd34", now.AddHours(23), TimeSpan.FromDays(1), default));
        Assert.True(await Store.TryRecordReplyAsync(User("other"), "ab12", now.AddHours(23), TimeSpan.FromDays(1), default));
        var reopened = await ReopenAsync();
        Assert.False(await reopened.TryRecordReplyAsync(user, "ab12", now.AddHours(23), TimeSpan.FromDays(1), default));
        Assert.True(await reopened.TryRecordReplyAsync(user, "ab12", now.AddHours(25), TimeSpan.FromDays(1), default));
        Assert.False(await Store.TryRecordReplyAsync(user, "ab12", now.AddHours(26), TimeSpan.FromDays(1), default));
    }

    [Fact]
    public async Task Concurrent_deliveries_record_one_vacation_reply()
    {
        var user = User("fred");
        var now = DateTimeOffset.UtcNow;
        var stores = new[] { Store, await ReopenAsync() };
        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(async () =>
            await stores[i % 2].TryRecordReplyAsync(user, "5a5e", now, TimeSpan.FromDays(7), default))));
        Assert.Single(results, r => r);
    }

    [Fact]
    public async Task Concurrent_activations_leave_exactly_one_script_active()
    {
        var user = User("gina");
        var names = Enumerable.Range(0, 8).Select(i => "s" + i).ToArray();
        foreach (var name in names)
        {
            await Store.PutAsync(user, name, "keep;", default);
        }

        // Several rounds, because a lock-order fault between concurrent activations (PostgreSQL's 40P01) showed up in
        // only some runs of a single round.
        var stores = new[] { Store, await ReopenAsync() };
        for (var round = 0; round < 12; round++)
        {
            var results = await Task.WhenAll(names.Select((name, i) => Task.Run(async () => await stores[(i + round) % 2].SetActiveAsync(user, name, default))));
            Assert.All(results, Assert.True);
            Assert.Single(await Store.ListAsync(user, default), s => s.IsActive);
        }
    }

    [Fact]
    public async Task Global_scripts_are_read_by_name()
    {
        var name = "global-" + _tag;
        await SetGlobalAsync(name, "discard;");
        Assert.Equal("discard;", await Store.GetGlobalAsync(name, default));
        Assert.Null(await Store.GetGlobalAsync("missing-" + _tag, default));
    }
}
