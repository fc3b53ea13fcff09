using System.Globalization;
using System.Text;
using MailKitServer.Storage;
using MailKitServer.Storage.Maildir;
using MailKitServer.TestSupport;
using static MailKitServer.Imap.Tests.Session.ImapTestClient;

namespace MailKitServer.Imap.Tests.Commands;

/// <summary>
/// The same Maildir served by us and by Dovecot (the reference implementation of RFC 5256 that imaptest's expected
/// answers come from): every UID SORT and UID THREAD below must answer alike, on messages chosen for the rules'
/// corners (subject artifacts, encoded words, time zones, missing and broken dates, groups, display names, loops and
/// duplicate ids in References, dummy parents) plus a generated bulk.
/// </summary>
public sealed class DovecotSortThreadComparisonTests : IDisposable
{
    private static readonly string[] Crafted =
    [
        "Subject: Re: [list] Fwd: hello (fwd)\nFrom: Ann Example <ann@a.test>\nTo: bob@b.test\nDate: Fri, 01 Mar 2024 10:00:00 +0100\nMessage-ID: <c1@x.test>",
        "Subject: hello\nFrom: bob@b.test\nTo: Ann <ann@a.test>\nCc: team: carl@c.test, dora@d.test;\nDate: Fri, 01 Mar 2024 09:30:00 +0000\nMessage-ID: <c2@x.test>\nReferences: <c1@x.test>",
        "Subject: [fwd: hello]\nFrom: =?iso-8859-1?q?Andr=E9?= <andre@a.test>\nTo: undisclosed-recipients:;\nDate: Thu, 29 Feb 2024 23:59:59 -0800\nMessage-ID: <c3@x.test>\nIn-Reply-To: <c2@x.test>",
        "Subject: =?utf-8?b?UmU6IGhlbGxv?=\nFrom: \"Zed, Z.\" <zed@z.test>\nDate: not a date\nMessage-ID: <c4@x.test>\nReferences: <gone@x.test> <c3@x.test>",
        "Subject: [list]\nFrom: d\nTo: e\nMessage-ID: <c5@x.test>",
        "Subject: [a] [b] c\nFrom: Carl <carl@c.test>\nTo: Dora <dora@d.test>\nDate: 01 Mar 2024 08:00 GMT\nMessage-ID: <c6@x.test>\nReferences: <c7@x.test>",
        "Subject: Re: [a] [b] c\nFrom: carl@c.test\nTo: dora@d.test\nDate: Fri, 01 Mar 2024 08:00:00 +0000\nMessage-ID: <c7@x.test>\nReferences: <c6@x.test>",
        "Subject: loop\nMessage-ID: <c8@x.test>\nReferences: <c9@x.test>\nDate: Fri, 01 Mar 2024 07:00:00 +0000",
        "Subject: loop\nMessage-ID: <c9@x.test>\nReferences: <c8@x.test>\nDate: Fri, 01 Mar 2024 07:05:00 +0000",
        "Subject: duplicate\nMessage-ID: <c10@x.test>\nDate: Fri, 01 Mar 2024 06:00:00 +0000",
        "Subject: Re: duplicate\nMessage-ID: <c10@x.test>\nDate: Fri, 01 Mar 2024 06:10:00 +0000",
        "Subject: orphan one\nReferences: <missing@x.test>\nDate: Fri, 01 Mar 2024 05:00:00 +0000",
        "Subject: orphan two\nReferences: <missing@x.test>\nDate: Fri, 01 Mar 2024 05:30:00 +0000",
        "Subject: Fw: budget\nFrom: Eve <eve@e.test>\nTo: ann@a.test, bob@b.test\nDate: Fri, 01 Mar 2024 12:00:00 +0000",
        "Subject: budget\nFrom: eve@e.test\nTo: \"\" <bob@b.test>\nDate: Fri, 01 Mar 2024 12:00:00 +0000",
        "Subject: RE: BUDGET\nFrom: Eve <EVE@e.test>\nDate: Fri, 01 Mar 2024 11:00:00 +0000",
        "Subject: \nFrom: nobody@n.test\nDate: Fri, 01 Mar 2024 04:00:00 +0000",
        "From: nobody@n.test",
        "Subject: =?iso-8859-1?q?_?=\nFrom: =?utf-8?q?=C3=89mile?= <emile@e.test>\nTo: =?utf-8?q?=C3=A9mile?= <emile@e.test>",
        "Subject: re: [fwd: [fwd: re: [fwd: deep]]]\nDate: Fri, 01 Mar 2024 13:00:00 +0000\nMessage-ID: <\"quoted\"@x.test>",
        "Subject: deep\nDate: Fri, 01 Mar 2024 13:30:00 +0000\nIn-Reply-To: Your message <quoted@x.test>",
    ];

    private static readonly string[] Subjects = ["Budget", "Re: Budget", "Fwd: Budget", "[ops] Budget", "Lunch", "Re: Re: Lunch", "Release (fwd)", "Release", "Holiday"];
    private static readonly string[] People = ["Ann <ann@a.test>", "bob@b.test", "\"Carl C.\" <carl@c.test>", "dora@d.test", "=?utf-8?q?Eve?= <eve@e.test>"];

    private readonly string _root = Directory.CreateTempSubdirectory("mks-sortcmp-").FullName;

    public void Dispose() => TempDirectories.Delete(_root);

    [Fact]
    public async Task Sort_and_thread_answer_like_dovecot()
    {
        await using var store = new MaildirMessageStore(new MaildirStoreOptions { Root = _root });
        await SeedAsync(store);
        string[] commands =
        [
            "UID SORT (ARRIVAL) UTF-8 ALL", "UID SORT (REVERSE ARRIVAL) UTF-8 ALL", "UID SORT (DATE) UTF-8 ALL", "UID SORT (REVERSE DATE) UTF-8 ALL",
            "UID SORT (SIZE) UTF-8 ALL", "UID SORT (REVERSE SIZE) UTF-8 ALL", "UID SORT (SUBJECT) UTF-8 ALL", "UID SORT (REVERSE SUBJECT) UTF-8 ALL",
            "UID SORT (SUBJECT DATE) UTF-8 ALL", "UID SORT (FROM) UTF-8 ALL", "UID SORT (REVERSE FROM DATE) UTF-8 ALL", "UID SORT (TO) UTF-8 ALL",
            "UID SORT (CC) UTF-8 ALL", "UID SORT (REVERSE CC) UTF-8 ALL", "UID SORT (DISPLAYFROM) UTF-8 ALL", "UID SORT (DISPLAYTO) UTF-8 ALL",
            "UID SORT (REVERSE DISPLAYFROM SIZE) UTF-8 ALL", "UID SORT (SUBJECT REVERSE ARRIVAL) US-ASCII SUBJECT budget",
            "UID SORT RETURN (ALL COUNT MIN MAX) (DATE) UTF-8 ALL", "SORT RETURN (PARTIAL 5:20 COUNT MIN) (SUBJECT) UTF-8 ALL",
            "UID SEARCH RETURN (PARTIAL 6:2 MAX) SUBJECT budget",
            "UID THREAD REFERENCES UTF-8 ALL", "UID THREAD ORDEREDSUBJECT UTF-8 ALL", "UID THREAD REFERENCES UTF-8 NOT SUBJECT hello",
            "UID THREAD REFERENCES US-ASCII SUBJECT budget", "UID THREAD ORDEREDSUBJECT UTF-8 SUBJECT lunch",
        ];

        var ours = new List<string>();
        await using (var server = await TestMailServer.StartAsync(configure: b => b.UseStore(store)))
        {
            await using var client = await LoginAsync(server);
            ours.AddRange(await RunAsync(client, commands));
        }

        await using var dovecot = await Dovecot.StartOnStoreAsync(_root, "alice@example.test");
        await using var reference = await LineClient.ConnectAsync(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, dovecot.Port));
        await reference.ReadLineAsync();
        Assert.StartsWith("a OK", await TaggedAsync(reference, "a LOGIN u p"), StringComparison.Ordinal);
        var theirs = await RunAsync(reference, commands);

        for (var i = 0; i < commands.Length; i++)
        {
            Assert.True(theirs[i] == ours[i], $"{commands[i]}\n dovecot: {theirs[i]}\n ours:    {ours[i]}");
        }
    }

    private static async Task<List<string>> RunAsync(LineClient client, string[] commands)
    {
        Assert.StartsWith("s OK", await TaggedAsync(client, "s EXAMINE INBOX"), StringComparison.Ordinal);
        var answers = new List<string>();
        foreach (var command in commands)
        {
            var untagged = new List<string>();
            var tagged = await TaggedAsync(client, "c " + command, untagged);
            Assert.StartsWith("c OK", tagged, StringComparison.Ordinal);
            answers.Add(Assert.Single(untagged, l => l.StartsWith("* SORT", StringComparison.Ordinal) || l.StartsWith("* THREAD", StringComparison.Ordinal) || l.StartsWith("* ESEARCH", StringComparison.OrdinalIgnoreCase))
                .Replace("* ESEARCH (TAG \"c\")", "* ESEARCH (TAG c)", StringComparison.Ordinal));
        }

        return answers;
    }

    private static async Task SeedAsync(MaildirMessageStore store)
    {
        var random = new Random(1957);
        var start = new DateTimeOffset(2024, 3, 1, 0, 0, 0, TimeSpan.Zero);
        await using var account = await store.OpenAccountAsync("alice@example.test", default);
        var n = 0;
        async Task AppendAsync(string header, string body)
        {
            var message = header.Replace("\n", "\r\n", StringComparison.Ordinal) + "\r\n\r\n" + body + "\r\n";

            // Arrival times collide now and then (same minute), so ties meet the sequence tie-break.
            var arrived = start.AddMinutes(random.Next(0, 40) * 15);
            var result = await account.AppendAsync("INBOX", new MemoryStream(Encoding.UTF8.GetBytes(message)), SystemFlags.None, [], arrived, default);
            Assert.True(result.Succeeded);
            n++;
        }

        foreach (var header in Crafted)
        {
            await AppendAsync(header, new string('x', random.Next(1, 300)));
        }

        for (var i = 0; i < 80; i++)
        {
            var header = new StringBuilder();
            header.Append(CultureInfo.InvariantCulture, $"Subject: {Subjects[random.Next(Subjects.Length)]}\n");
            header.Append(CultureInfo.InvariantCulture, $"From: {People[random.Next(People.Length)]}\n");
            if (random.Next(4) > 0)
            {
                header.Append(CultureInfo.InvariantCulture, $"To: {People[random.Next(People.Length)]}\n");
            }

            if (random.Next(3) == 0)
            {
                header.Append(CultureInfo.InvariantCulture, $"Cc: {People[random.Next(People.Length)]}\n");
            }

            if (random.Next(8) > 0)
            {
                var zone = random.Next(-12, 13);
                var date = start.AddMinutes(random.Next(0, 60) * 30).ToOffset(TimeSpan.FromHours(zone));
                header.Append(CultureInfo.InvariantCulture, $"Date: {date.ToString("ddd, dd MMM yyyy HH:mm:ss ", CultureInfo.InvariantCulture)}{(zone < 0 ? "-" : "+")}{Math.Abs(zone):00}00\n");
            }

            header.Append(CultureInfo.InvariantCulture, $"Message-ID: <g{i}@x.test>\n");
            if (i > 0 && random.Next(3) > 0)
            {
                var parent = random.Next(i);
                header.Append(random.Next(3) == 0
                    ? $"In-Reply-To: <g{parent}@x.test>\n"
                    : $"References: <g{random.Next(parent + 1)}@x.test> <gone{random.Next(5)}@x.test> <g{parent}@x.test>\n");
            }

            await AppendAsync(header.ToString().TrimEnd('\n'), new string('y', random.Next(1, 500)));
        }

        Assert.Equal(Crafted.Length + 80, n);
    }
}
