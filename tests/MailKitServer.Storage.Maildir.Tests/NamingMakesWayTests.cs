namespace MailKitServer.Storage.Maildir.Tests;

/// <summary>
/// The background naming of many foreign files (see ForeignFileNamingTests) makes way for commands on the folder: a
/// batch waits while commands run, at most a bounded time, so it still ends under commands without a pause, and each
/// file is renamed once (issue 24: the first FETCH after the first SELECT of 20,000 files ran beside 20,000 renames).
/// </summary>
public sealed class NamingMakesWayTests : IDisposable
{
    private const int Count = 1_200; // three batches
    private const string User = "way@example.test";
    private readonly string _root = Directory.CreateTempSubdirectory("mks-way-").FullName;

    public void Dispose() => MailKitServer.TestSupport.TempDirectories.Delete(_root);

    private string Inbox => Path.Combine(_root, User, "Maildir");

    private static async Task<string> SubjectAsync(IMailboxView view, uint uid)
    {
        await using var content = await view.OpenContentAsync(uid, 0, null, default);
        return (await new StreamReader(content!).ReadLineAsync())!;
    }

    [Fact]
    public async Task The_naming_waits_for_commands_yet_ends_under_commands_without_a_pause_renaming_each_file_once()
    {
        foreach (var sub in new[] { "cur", "new", "tmp" })
        {
            Directory.CreateDirectory(Path.Combine(Inbox, sub));
        }

        for (var i = 0; i < Count; i++)
        {
            File.WriteAllText(Path.Combine(Inbox, "cur", $"1700000000.M{i:D6}P1.elsewhere:2,{(i % 2 == 0 ? "S" : string.Empty)}"), $"Subject: m{i}\r\n\r\nbody\r\n");
        }

        await using var store = new MaildirMessageStore(new MaildirStoreOptions { Root = _root });
        await using var account = (MaildirAccount)await store.OpenAccountAsync(User, default);
        await using var view = (await account.OpenAsync("INBOX", false, default))!;
        var folder = account.Folder("INBOX")!;
        var named = folder.WhenIdleAsync(); // the naming the SELECT started (and the saves after it)

        // Commands on the folder without a pause (each reads a message) until the naming has ended: only the bounded
        // wait of each batch lets it go on (a minute is far more than three batches need: without the bound it never ends).
        var subjects = new Dictionary<uint, string>();
        var uids = view.Messages.Select(m => m.Uid).ToArray();
        var limit = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; !named.IsCompleted && limit.Elapsed < TimeSpan.FromMinutes(1); i = (i + 1) % uids.Length)
        {
            subjects[uids[i]] = await SubjectAsync(view, uids[i]);
        }

        Assert.True(named.IsCompleted, "the naming did not end under commands without a pause");
        await named;
        Assert.True(folder.NamingWaits >= 1, $"{folder.NamingWaits} waits"); // each batch does unless the loop stalled 100 ms
        Assert.Equal(Count, folder.NamingRenames); // each file once
        Assert.False(File.Exists(Path.Combine(Inbox, "mailkitserver.naming")));

        // Every file carries its UID, once, and still holds its message.
        var files = Directory.GetFiles(Path.Combine(Inbox, "cur"));
        Assert.Equal(Count, files.Length);
        Assert.All(files, f => Assert.Single(System.Text.RegularExpressions.Regex.Matches(Path.GetFileName(f), ",U=")));
        foreach (var uid in uids)
        {
            var file = Assert.Single(files, f => Path.GetFileName(f).Contains($",U={uid}:", StringComparison.Ordinal));
            var subject = File.ReadLines(file).First();
            Assert.Equal(subject, await SubjectAsync(view, uid));
            if (subjects.TryGetValue(uid, out var read))
            {
                Assert.Equal(subject, read);
            }
        }

        Assert.Equal(Count, view.Messages.Select(m => m.Uid).Distinct().Count());
    }
}
