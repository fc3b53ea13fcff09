using System.Text;
using MailKitServer.Runtime;
using MailKitServer.Storage;
using MailKitServer.Storage.InMemory;
using MailKitServer.Storage.Maildir;
using MailKitServer.TestSupport;
using MailKitServer.Users.InMemory;

namespace MailKitServer.Imap.Tests.Concurrency;

/// <summary>
/// The selected-mailbox concurrency model under load (RFC 3501 §5.2, §7.4.1; RFC 9051 §5.2, §7.5): many sessions on
/// one mailbox doing APPEND, FETCH, STORE, EXPUNGE, SEARCH, NOOP and IDLE at once, each a <see cref="ModelClient"/>
/// that checks every response against what it was told. The operations come from fixed seeds; the interleaving is
/// whatever the machine makes of it, so each run tries a different one.
/// </summary>
public sealed class ConcurrentSessionsTests
{
    private const string User = "model@example.test";
    private const string Password = "model-pw";

    [Theory]
    [InlineData("memory", 8, 150)]
    [InlineData("maildir", 8, 100)]
    public async Task Every_session_sees_a_consistent_mailbox_while_all_change_it(string storeKind, int clients, int operations)
    {
        var root = Path.Combine(Path.GetTempPath(), "mks-model-" + Guid.NewGuid().ToString("N"));
        IMessageStore store = storeKind == "memory" ? new InMemoryMessageStore() : new MaildirMessageStore(new MaildirStoreOptions { Root = root });
        try
        {
            var directory = new InMemoryUserDirectory();
            directory.AddUser(User, Password);
            await using var server = await MailServer.CreateBuilder().UseStore(store).UseDirectory(directory)
                .Configure(o => o.AllowInsecureAuthentication = true).AddImap(0).StartAsync();
            var history = new SharedHistory();
            await SeedAsync(store, history, 20);

            var models = new List<ModelClient>();
            for (var i = 0; i < clients; i++)
            {
                var model = await ModelClient.ConnectAsync(server.GetEndpoint("imap").EndPoint, history, i, clients, seed: 7919 * (i + 1));
                await model.LoginAndSelectAsync(User, Password);
                models.Add(model);
            }

            await Task.WhenAll(models.Select(m => m.RunAsync(operations)));
            foreach (var model in models)
            {
                await model.LogoutAsync();
                await model.DisposeAsync();
            }

            var errors = models.SelectMany(m => m.Errors).ToList();
            Assert.True(errors.Count == 0, string.Join("\n", errors.Take(20)));
            Assert.True(models.Sum(m => m.Commands) >= clients * operations, "the clients did not run their operations");
        }
        finally
        {
            // The Maildir store saves indexes in the background: it stops before its folder goes.
            if (store is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync();
            }

            if (Directory.Exists(root))
            {
                TempDirectories.Delete(root);
            }
        }
    }

    private static async Task SeedAsync(IMessageStore store, SharedHistory history, int count)
    {
        await using var account = await store.OpenAccountAsync(User, default);
        for (var i = 0; i < count; i++)
        {
            var content = Encoding.ASCII.GetBytes($"Subject: seed-{i}\r\nFrom: seed@example.test\r\n\r\nseed body {i}\r\n");
            var result = await account.AppendAsync("INBOX", new MemoryStream(content), SystemFlags.None, [], null, default);
            Assert.True(result.Succeeded);
            history.Appended(result.Uid, content);
        }
    }
}
