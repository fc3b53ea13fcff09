using System.Globalization;
using System.Text;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKit.Security;
using MailKitServer.TestSupport;

namespace MailKitServer.Interop.Tests.Imap;

/// <summary>
/// MailKit's ImapClient (4.18.2) drives SORT, ESORT and THREAD; its own client-side sorter and
/// threader (MessageSorter, MessageThreader, which implement RFC 5256 on fetched summaries) give the expected
/// answers for the same messages.
/// </summary>
public class MailKitSortThreadTests
{
    private static readonly string[] Subjects = ["Budget", "Re: Budget", "Fwd: Budget", "Lunch", "Re: Lunch", "RE: Release", "Release", "Re: Re: Release", "Holiday"];
    private static readonly string[] People = ["alice", "bob", "carol", "dave", "erin"];

    /// <summary>
    /// Appends a deterministic corpus: replies reference earlier messages; sizes are distinct and shuffled; sent and
    /// arrival times are distinct and rise with the sequence number. That keeps the comparison to what MailKit's
    /// client side agrees with RFC 5256 on: its sorter reverses the sequence tie-break under REVERSE and takes
    /// ARRIVAL as mailbox order, and its threader merges subjects before sorting the threads (RFC 5256 sorts first);
    /// its SUBJECT order is not RFC 5256's base subject order, and its DISPLAYTO does not fall back to the address
    /// (RFC 5957 §3) when there is no display name. The Dovecot comparison covers all of those.
    /// </summary>
    private static async Task SeedAsync(TestMailServer server, int count)
    {
        var random = new Random(5256);
        var sizes = Enumerable.Range(0, count).OrderBy(_ => random.Next()).ToArray();
        var start = new DateTimeOffset(2024, 3, 1, 8, 0, 0, TimeSpan.Zero);
        await using var account = await server.Store.OpenAccountAsync("alice@example.test", default);
        for (var i = 0; i < count; i++)
        {
            var header = new StringBuilder();
            var from = People[random.Next(People.Length)];
            header.Append(CultureInfo.InvariantCulture, $"From: {char.ToUpperInvariant(from[0])}{from[1..]} Example <{from}@example.test>\r\n");
            var to = People[random.Next(People.Length)];
            header.Append(CultureInfo.InvariantCulture, $"To: {to.ToUpperInvariant()} <{to}@example.test>\r\n");
            if (random.Next(3) == 0)
            {
                header.Append(CultureInfo.InvariantCulture, $"Cc: {People[random.Next(People.Length)]}@example.test\r\n");
            }

            header.Append(CultureInfo.InvariantCulture, $"Subject: {Subjects[random.Next(Subjects.Length)]}\r\n");
            header.Append(CultureInfo.InvariantCulture, $"Date: {start.AddMinutes(i * 7).ToString("ddd, dd MMM yyyy HH:mm:ss +0000", CultureInfo.InvariantCulture)}\r\n");
            header.Append(CultureInfo.InvariantCulture, $"Message-ID: <m{i}@example.test>\r\n");
            if (i > 0 && random.Next(2) == 0)
            {
                var parent = random.Next(i);
                header.Append(CultureInfo.InvariantCulture, $"References: <m{random.Next(parent + 1)}@example.test> <m{parent}@example.test>\r\n");
            }

            var message = header + "\r\n" + new string('x', 100 + (sizes[i] * 50)) + "\r\n";
            var result = await account.AppendAsync("INBOX", new MemoryStream(Encoding.UTF8.GetBytes(message)), Storage.SystemFlags.None, [], start.AddHours(i), default);
            Assert.True(result.Succeeded);
        }
    }

    private static async Task<ImapClient> ConnectAsync(TestMailServer server)
    {
        var client = new ImapClient();
        await client.ConnectAsync(server.Imap.Address.ToString(), server.Imap.Port, SecureSocketOptions.None);
        await client.AuthenticateAsync("alice@example.test", "alice-pw");
        return client;
    }

    [Fact]
    public async Task Server_sort_matches_mailkits_own_sorter_for_every_key()
    {
        await using var server = await TestMailServer.StartAsync();
        await SeedAsync(server, 40);
        using var client = await ConnectAsync(server);
        Assert.True(client.Capabilities.HasFlag(ImapCapabilities.Sort));
        Assert.True(client.Capabilities.HasFlag(ImapCapabilities.SortDisplay));
        Assert.True(client.Capabilities.HasFlag(ImapCapabilities.ESort));
        var inbox = client.Inbox;
        await inbox.OpenAsync(FolderAccess.ReadOnly);
        var summaries = await inbox.FetchAsync(0, -1, MessageSummaryItems.UniqueId | MessageSummaryItems.Envelope | MessageSummaryItems.InternalDate | MessageSummaryItems.Size);
        OrderBy[][] programs =
        [
            [OrderBy.Arrival], [OrderBy.ReverseDate], [OrderBy.Size], [OrderBy.From, OrderBy.Date], [OrderBy.To, OrderBy.ReverseArrival],
            [OrderBy.Cc, OrderBy.Size], [OrderBy.DisplayFrom, OrderBy.Size], [OrderBy.ReverseDisplayTo, OrderBy.Date],
        ];
        foreach (var program in programs)
        {
            var expected = MessageSorter.Sort(summaries, program).Select(s => s.UniqueId).ToList();
            var sorted = await inbox.SortAsync(SearchQuery.All, program);
            Assert.True(expected.SequenceEqual(sorted), $"{string.Join(' ', program.Select(o => o.Order + " " + o.Type))}: expected {string.Join(' ', expected)}, got {string.Join(' ', sorted)}");
        }
    }

    [Fact]
    public async Task Extended_sort_gives_count_min_and_max_in_sort_order()
    {
        await using var server = await TestMailServer.StartAsync();
        await SeedAsync(server, 30);
        using var client = await ConnectAsync(server);
        var inbox = client.Inbox;
        await inbox.OpenAsync(FolderAccess.ReadOnly);
        OrderBy[] program = [OrderBy.ReverseSize];
        var all = await inbox.SortAsync(SearchQuery.All, program);

        var results = await inbox.SortAsync(SearchOptions.All | SearchOptions.Count | SearchOptions.Min | SearchOptions.Max, SearchQuery.All, program);
        Assert.Equal(30, results.Count);
        Assert.Equal(all, results.UniqueIds);
        Assert.Equal(all[0], results.Min);
        Assert.Equal(all[^1], results.Max);

    }

    [Fact]
    public async Task Server_threads_match_mailkits_own_threader()
    {
        await using var server = await TestMailServer.StartAsync();
        await SeedAsync(server, 40);
        using var client = await ConnectAsync(server);
        Assert.Contains(ThreadingAlgorithm.References, client.ThreadingAlgorithms);
        Assert.Contains(ThreadingAlgorithm.OrderedSubject, client.ThreadingAlgorithms);
        var inbox = client.Inbox;
        await inbox.OpenAsync(FolderAccess.ReadOnly);
        var summaries = await inbox.FetchAsync(0, -1, MessageSummaryItems.UniqueId | MessageSummaryItems.Envelope | MessageSummaryItems.References | MessageSummaryItems.InternalDate);
        var expected = Describe(MessageThreader.Thread(summaries, ThreadingAlgorithm.References, [OrderBy.Date]));
        var threads = await inbox.ThreadAsync(ThreadingAlgorithm.References, SearchQuery.All);
        Assert.True(expected == Describe(threads), $"expected {expected}, got {Describe(threads)}");
        Assert.Contains(threads, t => t.Children.Count > 0);

        // ORDEREDSUBJECT: one thread per base subject, the rest of the thread children of its first (oldest) message.
        var bySubject = await inbox.ThreadAsync(ThreadingAlgorithm.OrderedSubject, SearchQuery.All);
        var subjects = summaries.ToDictionary(s => s.UniqueId, s => MessageThreader.GetThreadableSubject(s.Envelope!.Subject ?? string.Empty, out _));
        var dates = summaries.ToDictionary(s => s.UniqueId, s => s.Envelope!.Date!.Value);
        Assert.Equal(subjects.Values.Distinct(StringComparer.OrdinalIgnoreCase).Count(), bySubject.Count);
        foreach (var thread in bySubject)
        {
            var root = thread.UniqueId!.Value;
            Assert.All(thread.Children, c => Assert.Empty(c.Children));
            Assert.All(thread.Children, c => Assert.Equal(subjects[root], subjects[c.UniqueId!.Value], StringComparer.OrdinalIgnoreCase));
            Assert.All(thread.Children, c => Assert.True(dates[c.UniqueId!.Value] > dates[root]));
        }

        Assert.Equal(bySubject.Select(t => dates[t.UniqueId!.Value]).Order(), bySubject.Select(t => dates[t.UniqueId!.Value]));
    }

    /// <summary>A thread forest as text: a UID, or "*" for a dummy, then its children in parentheses.</summary>
    private static string Describe(IList<MessageThread> threads)
    {
        var sb = new StringBuilder();
        var stack = new Stack<(MessageThread? Thread, string Text)>();
        for (var i = threads.Count - 1; i >= 0; i--)
        {
            stack.Push((null, ")"));
            stack.Push((threads[i], string.Empty));
            stack.Push((null, "("));
        }

        while (stack.Count > 0)
        {
            var (thread, text) = stack.Pop();
            if (thread is null)
            {
                sb.Append(text);
                continue;
            }

            sb.Append(thread.UniqueId is { } id ? id.Id.ToString(CultureInfo.InvariantCulture) : "*");
            for (var i = thread.Children.Count - 1; i >= 0; i--)
            {
                stack.Push((null, ")"));
                stack.Push((thread.Children[i], string.Empty));
                stack.Push((null, "("));
            }
        }

        return sb.ToString();
    }
}
