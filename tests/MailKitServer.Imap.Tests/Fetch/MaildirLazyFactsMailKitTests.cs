using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKitServer.Storage.Maildir;
using MailKitServer.TestSupport;

namespace MailKitServer.Imap.Tests.Fetch;

/// <summary>
/// MailKit's ImapClient on a Maildir another program wrote, whose sizes and internal dates the store reads from the
/// files only when first asked for (issue 24): RFC822.SIZE, INTERNALDATE (with the zone the name carries), SEARCH
/// LARGER and BEFORE, STATUS SIZE (RFC 8438) and GETQUOTA (RFC 9208) say what the files say, whichever asks first.
/// </summary>
public sealed class MaildirLazyFactsMailKitTests
{
    private const int Count = 30;
    private const string User = "alice@example.test";
    private static readonly DateTime Epoch = new(2024, 3, 1, 22, 30, 0, DateTimeKind.Utc);

    /// <summary>Message i: "m{i}", 10·i octets of body, mtime i days after <see cref="Epoch"/>, every third in +02:00.</summary>
    private static Dictionary<string, (long Size, DateTimeOffset Date)> WriteForeignFiles(string inbox)
    {
        foreach (var sub in new[] { "cur", "new", "tmp" })
        {
            Directory.CreateDirectory(Path.Combine(inbox, sub));
        }

        var expected = new Dictionary<string, (long, DateTimeOffset)>();
        for (var i = 0; i < Count; i++)
        {
            var content = $"From: x@example.test\r\nSubject: m{i}\r\n\r\n{new string('x', 10 * i)}\r\n";
            var zone = i % 3 == 0 ? TimeSpan.FromHours(2) : TimeSpan.Zero;
            var path = Path.Combine(inbox, "cur", $"1700000000.M{i:D6}P1.elsewhere" + (i % 3 == 0 ? ",Z=+0200" : string.Empty) + ":2,S");
            File.WriteAllText(path, content);
            File.SetLastWriteTimeUtc(path, Epoch.AddDays(i));
            expected[$"m{i}"] = (content.Length, new DateTimeOffset(Epoch.AddDays(i)).ToOffset(zone));
        }

        return expected;
    }

    /// <summary>
    /// A first SEARCH TEXT reads every message whole; it used to have the store stat each file for its size first (to
    /// size the read), 20,000 stats on a 20,000-message INBOX (issue 24). It now reads to the end: no size is looked up,
    /// and the size the read found is kept (a later SEARCH TEXT reads exactly that much).
    /// </summary>
    [Fact]
    public async Task A_first_SEARCH_TEXT_has_the_store_look_up_no_size_and_finds_what_the_files_say()
    {
        var root = Directory.CreateTempSubdirectory("mks-lazy-text").FullName;
        var maildir = new MaildirMessageStore(new MaildirStoreOptions { Root = root });
        try
        {
            var expected = WriteForeignFiles(Path.Combine(root, User, "Maildir"));
            await using var server = await TestMailServer.StartAsync(configure: b => b.UseStore(maildir));
            using var imap = new ImapClient();
            await imap.ConnectAsync("127.0.0.1", server.Imap.Port, MailKit.Security.SecureSocketOptions.None);
            await imap.AuthenticateAsync(User, "alice-pw");
            await imap.Inbox.OpenAsync(FolderAccess.ReadOnly);

            // Message i's body is 10·i x: TEXT "xxxxxxxxxx" (ten) is in m1 and every later one, not in m0.
            var hits = await imap.Inbox.SearchAsync(SearchQuery.MessageContains(new string('x', 10)));
            Assert.Equal(Count - 1, hits.Count);
            var hitsSubject = await imap.Inbox.SearchAsync(SearchQuery.MessageContains("m17"));
            Assert.Single(hitsSubject);

            await using var account = (MaildirAccount)await maildir.OpenAccountAsync(User, default);
            var folder = account.Folder("INBOX")!;
            Assert.Equal(Count, folder.Messages.Count);

            // No stat: the sizes the store knows now are the ones the whole reads found (each file's length).
            Assert.All(folder.Messages, m => Assert.Equal(new FileInfo(Path.Combine(folder.Path, m.RelativePath)).Length, m.KnownSize));

            // Asked for, the sizes are what the files say.
            var summaries = await imap.Inbox.FetchAsync(0, -1, MessageSummaryItems.Size | MessageSummaryItems.Envelope);
            Assert.All(summaries, s => Assert.Equal((uint?)expected[s.Envelope!.Subject!].Size, s.Size));
            await imap.DisconnectAsync(true);
        }
        finally
        {
            await maildir.DisposeAsync();
            TempDirectories.Delete(root);
        }
    }

    /// <summary>
    /// A message of unknown size is read whole only up to the search's bound (256 KB); a longer one is searched from a
    /// stream like a message known to be large, so a big file another program wrote is never held whole. Either way the
    /// text at its very end is found (bodies of 100 KB, 300 KB and 1 MB, the word last).
    /// </summary>
    [Fact]
    public async Task SEARCH_TEXT_finds_the_end_of_foreign_messages_of_unknown_size_below_and_above_the_bound()
    {
        var root = Directory.CreateTempSubdirectory("mks-lazy-large").FullName;
        var maildir = new MaildirMessageStore(new MaildirStoreOptions { Root = root });
        try
        {
            var inbox = Path.Combine(root, User, "Maildir");
            foreach (var sub in new[] { "cur", "new", "tmp" })
            {
                Directory.CreateDirectory(Path.Combine(inbox, sub));
            }

            int[] bodies = [100 * 1024, 300 * 1024, 1024 * 1024];
            for (var i = 0; i < bodies.Length; i++)
            {
                var body = string.Join("\r\n", Enumerable.Repeat(new string('y', 98), bodies[i] / 100)) + $"\r\nlastword{i}\r\n";
                File.WriteAllText(Path.Combine(inbox, "cur", $"1700000000.M{i:D6}P2.elsewhere:2,S"), $"From: x@example.test\r\nSubject: big{i}\r\n\r\n{body}");
            }

            await using var server = await TestMailServer.StartAsync(configure: b => b.UseStore(maildir));
            using var imap = new ImapClient();
            await imap.ConnectAsync("127.0.0.1", server.Imap.Port, MailKit.Security.SecureSocketOptions.None);
            await imap.AuthenticateAsync(User, "alice-pw");
            await imap.Inbox.OpenAsync(FolderAccess.ReadOnly);

            for (var i = 0; i < bodies.Length; i++)
            {
                var hits = await imap.Inbox.SearchAsync(SearchQuery.BodyContains($"lastword{i}"));
                Assert.Equal([new UniqueId((uint)i + 1)], hits);
            }

            Assert.Empty(await imap.Inbox.SearchAsync(SearchQuery.BodyContains("lastword9")));
            Assert.Equal(3, (await imap.Inbox.SearchAsync(SearchQuery.MessageContains("yyyy"))).Count);
            await imap.DisconnectAsync(true);
        }
        finally
        {
            await maildir.DisposeAsync();
            TempDirectories.Delete(root);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Mailkit_sees_the_files_sizes_and_dates_whichever_command_asks_first(bool statusFirst)
    {
        var root = Directory.CreateTempSubdirectory("mks-lazy-imap").FullName;
        var maildir = new MaildirMessageStore(new MaildirStoreOptions { Root = root, QuotaBytes = 10 * 1024 * 1024 });
        try
        {
            var expected = WriteForeignFiles(Path.Combine(root, User, "Maildir"));
            var total = expected.Values.Sum(v => v.Size);
            await using var server = await TestMailServer.StartAsync(configure: b => b.UseStore(maildir));
            using var imap = new ImapClient();
            await imap.ConnectAsync("127.0.0.1", server.Imap.Port, MailKit.Security.SecureSocketOptions.None);
            await imap.AuthenticateAsync(User, "alice-pw");
            var inbox = imap.Inbox;
            if (statusFirst)
            {
                await inbox.StatusAsync(StatusItems.Size | StatusItems.Count);
                Assert.Equal((ulong)total, inbox.Size);
            }

            await inbox.OpenAsync(FolderAccess.ReadOnly);
            var summaries = await inbox.FetchAsync(0, -1, MessageSummaryItems.UniqueId | MessageSummaryItems.Size | MessageSummaryItems.InternalDate | MessageSummaryItems.Envelope);
            Assert.Equal(Count, summaries.Count);
            foreach (var s in summaries)
            {
                var (size, date) = expected[s.Envelope!.Subject!];
                Assert.Equal((uint?)size, s.Size);
                Assert.Equal(date, s.InternalDate);
                Assert.Equal(date.Offset, s.InternalDate!.Value.Offset);
            }

            UniqueId UidOf(string subject) => summaries.Single(s => s.Envelope!.Subject == subject).UniqueId;
            var larger = await inbox.SearchAsync(SearchQuery.LargerThan((int)expected["m20"].Size));
            Assert.Equal(Enumerable.Range(21, Count - 21).Select(i => UidOf($"m{i}")).Order(), larger.Order());

            // BEFORE compares the date in the internal date's own zone (RFC 3501 §6.4.4): m0 is 2 March at +02:00.
            var before = await inbox.SearchAsync(SearchQuery.DeliveredBefore(new DateTime(2024, 3, 3)));
            Assert.Equal(new[] { UidOf("m0"), UidOf("m1") }.Order(), before.Order());
            Assert.Empty(await inbox.SearchAsync(SearchQuery.DeliveredBefore(new DateTime(2024, 3, 2))));

            await inbox.CloseAsync();
            if (!statusFirst)
            {
                await inbox.StatusAsync(StatusItems.Size);
                Assert.Equal((ulong)total, inbox.Size);
            }

            var quota = await inbox.GetQuotaAsync();
            Assert.Equal((uint)((total + 1023) / 1024), quota.CurrentStorageSize);
            await imap.DisconnectAsync(true);
        }
        finally
        {
            await maildir.DisposeAsync();
            TempDirectories.Delete(root);
        }
    }
}
