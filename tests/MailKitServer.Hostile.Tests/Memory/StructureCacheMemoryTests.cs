using System.Text;
using MailKitServer.Hostile.Tests.Support;
using MailKitServer.Imap;
using MailKitServer.Imap.Session;
using MailKitServer.Imap.Structure;
using MailKitServer.Runtime;
using MailKitServer.Storage;
using MailKitServer.Storage.Maildir;
using MailKitServer.TestSupport;
using MailKitServer.Users.InMemory;
using Xunit.Abstractions;

namespace MailKitServer.Hostile.Tests.Memory;

/// <summary>
/// Issue 15 item 4: parsed structures are cached by their (estimated) memory, not by count. FETCH BODYSTRUCTURE of
/// fifteen 10 MB messages made of header fields grew the process by 390 MB that stayed after EXPUNGE and logout.
/// </summary>
[Collection(MemoryCollection.Name)]
public sealed class StructureCacheMemoryTests(ITestOutputHelper output)
{
    private const long MiB = 1024 * 1024;

    [Fact]
    public async Task BODYSTRUCTURE_of_fifteen_10_MB_messages_keeps_the_heap_bounded_and_EXPUNGE_gives_it_back()
    {
        var root = Path.Combine(Path.GetTempPath(), "mks-hostile-" + Guid.NewGuid().ToString("N"));
        var store = new MaildirMessageStore(new MaildirStoreOptions { Root = root, MaxMessageSize = 16 * MiB });
        var directory = new InMemoryUserDirectory();
        directory.AddUser("alice@example.test", "alice-pw");
        try
        {
            await using var server = await MailServer.CreateBuilder().UseStore(store).UseDirectory(directory)
                .Configure(o => o.AllowInsecureAuthentication = true).AddImap(0).StartAsync();
            var endpoint = server.GetEndpoint("imap").EndPoint;

            // A first round of the same shape warms up what a process keeps once it has served such a session at
            // all (code, pools); measured over several rounds that is about 8 MB, and it does not grow.
            await SeedAsync(store, big: 15, medium: 40);
            await RoundAsync(endpoint, 55, () => { });

            await SeedAsync(store, big: 15, medium: 40);
            ProcessMemory before = default, afterFetch = default, afterExpunge = default;
            await RoundAsync(endpoint, 55, () => before = ProcessMemory.Measure(), () => afterFetch = ProcessMemory.Measure(), () => afterExpunge = ProcessMemory.Measure());
            var afterLogout = ProcessMemory.Measure();
            output.WriteLine($"before FETCH: {before}; after FETCH: {afterFetch}; after EXPUNGE: {afterExpunge}; after LOGOUT: {afterLogout}");

            // The bound: the cache's capacity (64 MB by default) and nothing for the 10 MB messages, whose structures
            // are over the per-entry limit. Before the fix the heap grew by about 390 MB and kept it.
            Assert.True(afterFetch.ManagedBytes - before.ManagedBytes < 48 * MiB, $"heap grew by {(afterFetch.ManagedBytes - before.ManagedBytes) / MiB} MB");
            Assert.True(afterExpunge.ManagedBytes - before.ManagedBytes < 8 * MiB, $"after EXPUNGE the heap is still {(afterExpunge.ManagedBytes - before.ManagedBytes) / MiB} MB above");
            Assert.True(afterLogout.ManagedBytes - before.ManagedBytes < 8 * MiB, $"after LOGOUT the heap is still {(afterLogout.ManagedBytes - before.ManagedBytes) / MiB} MB above");
        }
        finally
        {
            // The store saves indexes in the background: it stops before its folder goes.
            await store.DisposeAsync();
            TempDirectories.Delete(root);
        }
    }

    /// <summary>One session: FETCH every BODYSTRUCTURE, mark all deleted, EXPUNGE, LOGOUT; the callbacks measure between.</summary>
    private static async Task RoundAsync(System.Net.IPEndPoint endpoint, int messages, Action beforeFetch, Action? afterFetch = null, Action? afterExpunge = null)
    {
        await using var client = await LineClient.ConnectAsync(endpoint);
        client.Timeout = TimeSpan.FromMinutes(5);
        await client.LoginAsync();
        Assert.StartsWith("s OK", await client.ImapAsync("s", "SELECT INBOX"), StringComparison.Ordinal);
        beforeFetch();
        Assert.Equal(messages, await FetchBodyStructuresAsync(client, "f"));
        afterFetch?.Invoke();
        Assert.StartsWith("d OK", await client.ImapAsync("d", "STORE 1:* +FLAGS.SILENT (\\Deleted)"), StringComparison.Ordinal);
        Assert.StartsWith("e OK", await client.ImapAsync("e", "EXPUNGE"), StringComparison.Ordinal);
        afterExpunge?.Invoke();
        await client.SendAsync("o LOGOUT\r\n");
        Assert.Equal("o OK LOGOUT completed", (await client.ReadTaggedAsync("o"))[^1]);
        Assert.True(await client.IsClosedAsync());
    }

    [Fact]
    public void The_size_estimate_is_not_below_what_a_parsed_structure_keeps()
    {
        foreach (var (size, header) in new[] { (64 * 1024, 512), (512 * 1024, 3 * 1024), (2 * MiB, 200), (4 * MiB, 16 * 1024) })
        {
            var message = HeaderHeavyMessage(size, header);
            var before = ProcessMemory.Measure();
            var roots = Enumerable.Range(0, 4).Select(_ => StructureParser.Parse(message)).ToList();
            var after = ProcessMemory.Measure();
            var kept = (after.ManagedBytes - before.ManagedBytes) / roots.Count;
            var estimate = StructureCache.EstimateSize(roots[0]);
            output.WriteLine($"{size / 1024} KB message, {header} B headers per part: kept {kept / 1024} KB, estimated {estimate / 1024} KB");
            Assert.True(estimate >= kept, $"estimate {estimate} below {kept}");
            GC.KeepAlive(roots);
        }
    }

    [Fact]
    public void The_cache_evicts_by_memory_refuses_oversized_entries_and_forgets_expunged_messages()
    {
        var small = StructureParser.Parse(HeaderHeavyMessage(16 * 1024, 512));
        var size = StructureCache.EstimateSize(small);
        var cache = new StructureCache(capacity: size * 10, entryLimit: size * 2);
        for (uint uid = 1; uid <= 25; uid++)
        {
            cache.Add("m", uid, small);
            Assert.True(cache.Bytes <= size * 10);
        }

        Assert.Equal(10, cache.Count);
        Assert.False(cache.TryGet("m", 15, out _), "the least recently used went first");
        Assert.True(cache.TryGet("m", 16, out _));

        cache.Add("m", 99, StructureParser.Parse(HeaderHeavyMessage(256 * 1024, 512)));
        Assert.False(cache.TryGet("m", 99, out _), "an entry over the per-entry limit is not kept");

        cache.Remove("m", 16);
        Assert.False(cache.TryGet("m", 16, out _));
        Assert.Equal(9, cache.Count);
        Assert.Equal(size * 9, cache.Bytes);
    }

    [Fact]
    public void A_scan_keeps_what_fits_and_a_repeated_scan_finds_it_instead_of_churning()
    {
        var small = StructureParser.Parse(HeaderHeavyMessage(16 * 1024, 512));
        var size = StructureCache.EstimateSize(small);
        var cache = new StructureCache(capacity: size * 10, entryLimit: size * 2);
        for (var round = 0; round < 2; round++)
        {
            var found = 0;
            for (uint uid = 1; uid <= 25; uid++)
            {
                if (cache.TryGet("m", uid, out _))
                {
                    found++;
                }
                else
                {
                    cache.Add("m", uid, small, displace: false);
                }
            }

            // The first scan fills the cache with the first ten and keeps them; the second finds those ten. With
            // displacing adds, the second scan would find none (each entry dropped before the scan came back to it).
            Assert.Equal(round == 0 ? 0 : 10, found);
            Assert.Equal(10, cache.Count);
        }

        Assert.True(cache.TryGet("m", 1, out _));
        Assert.False(cache.TryGet("m", 11, out _));
        cache.Add("m", 30, small);
        Assert.True(cache.TryGet("m", 30, out _), "an ordinary add still makes room");
        Assert.Equal(10, cache.Count);
    }

    /// <summary>Messages of 10 MB whose structures are too large to cache, and of 96 KB whose structures are cached.</summary>
    private static async Task SeedAsync(MaildirMessageStore store, int big, int medium)
    {
        var bigMessage = HeaderHeavyMessage(10 * MiB, partsHeader: 3 * 1024);
        var mediumMessage = HeaderHeavyMessage(96 * 1024, partsHeader: 3 * 1024);
        await using var account = await store.OpenAccountAsync("alice@example.test", default);
        for (var i = 0; i < big; i++)
        {
            await account.AppendAsync("INBOX", new MemoryStream(bigMessage), SystemFlags.None, [], null, default);
        }

        for (var i = 0; i < medium; i++)
        {
            await account.AppendAsync("INBOX", new MemoryStream(mediumMessage), SystemFlags.None, [], null, default);
        }
    }

    /// <summary>Fetches every BODYSTRUCTURE and counts the responses (the lines are not kept: they are large).</summary>
    private static async Task<int> FetchBodyStructuresAsync(LineClient client, string tag)
    {
        await client.SendAsync($"{tag} FETCH 1:* BODYSTRUCTURE\r\n");
        var count = 0;
        while (await client.ReadLineAsync() is { } line)
        {
            if (line.StartsWith(tag + " ", StringComparison.Ordinal))
            {
                Assert.Equal($"{tag} OK FETCH completed", line);
                return count;
            }

            count += line.Contains(" FETCH (BODYSTRUCTURE (", StringComparison.Ordinal) ? 1 : 0;
        }

        throw new IOException("The connection closed during FETCH.");
    }

    /// <summary>A multipart message of about <paramref name="size"/> octets whose parts are mostly header fields.</summary>
    private static byte[] HeaderHeavyMessage(long size, int partsHeader)
    {
        var sb = new StringBuilder("From: a@example.test\r\nTo: alice@example.test\r\nSubject: header heavy\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n");
        var filler = new string('f', 180);
        var part = 0;
        while (sb.Length < size)
        {
            sb.Append("--b\r\nContent-Type: text/plain; charset=us-ascii; name=\"part").Append(part++).Append(".txt\"\r\n");
            for (var written = 0; written < partsHeader; written += 200)
            {
                sb.Append("X-Filler: ").Append(filler).Append("\r\n");
            }

            sb.Append("\r\nx\r\n");
        }

        sb.Append("--b--\r\n");
        return Encoding.ASCII.GetBytes(sb.ToString());
    }
}
