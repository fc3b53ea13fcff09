using System.Globalization;
using System.Text;
using MailKitServer.Storage;
using MailKitServer.Storage.Maildir;
using MailKitServer.TestSupport;

namespace MailKitServer.Storage.Maildir.Tests;

/// <summary>Dovecot (Debian dovecot-imapd) serving a Maildir this store wrote: same messages, flags, keywords, internal dates and folders; and a message Dovecot marks as seen is seen by us.</summary>
public sealed class DovecotInteropTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("mks-dvmd-").FullName;

    public void Dispose() => MailKitServer.TestSupport.TempDirectories.Delete(_root);

    [Fact]
    public async Task Dovecot_sees_our_messages_flags_and_folders_and_we_see_its_flag_changes()
    {
        await using var store = new MaildirMessageStore(new MaildirStoreOptions { Root = _root });
        for (var i = 1; i <= 3; i++)
        {
            await store.DeliverAsync(new DeliveryRequest("", [new MailboxTarget("alice@example.test")], DateTimeOffset.UtcNow), new MemoryStream(Encoding.ASCII.GetBytes($"Subject: msg{i}\r\n\r\nbody {i}\r\n")), default);
        }

        await using (var account = await store.OpenAccountAsync("alice@example.test", default))
        {
            await using var view = await account.OpenAsync("INBOX", false, default);
            await view!.StoreFlagsAsync(UidSet.FromUids([1]), new FlagChange(FlagChangeMode.Add, SystemFlags.Seen, []), null, default);
            await view.StoreFlagsAsync(UidSet.FromUids([2]), new FlagChange(FlagChangeMode.Add, SystemFlags.Flagged, []), null, default);
            await account.CreateAsync("Work/2026", MailboxRole.None, default);
            await account.AppendAsync("Work/2026", new MemoryStream("Subject: filed\r\n\r\nx\r\n"u8.ToArray()), SystemFlags.Seen, ["$Work"], new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.FromHours(2)), default);
        }

        await using (var dovecot = await Dovecot.StartOnStoreAsync(_root, "alice@example.test"))
        {
            const string script = """
                import imaplib, sys, json, re
                m = imaplib.IMAP4("127.0.0.1", int(sys.argv[1])); m.login("u", "p")
                typ, data = m.list()
                names = sorted((lambda mm: (mm.group(1) or mm.group(2)).decode())(re.search(rb'(?:"([^"]+)"|(\S+))$', l)) for l in data)
                result = {"folders": names}
                for folder in ("INBOX", "Work/2026"):
                    m.select('"' + folder + '"')
                    typ, data = m.fetch("1:*", "(FLAGS INTERNALDATE BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
                    items = {}
                    for i in range(0, len(data), 2):
                        flags = re.search(rb"FLAGS \(([^)]*)\)", data[i][0]).group(1).decode()
                        subject = data[i][1].decode().strip().split(": ", 1)[1]
                        items[subject] = sorted(f for f in flags.split() if f != "\\Recent")
                        result["date " + subject] = re.search(rb'INTERNALDATE "([^"]+)"', data[i][0]).group(1).decode()
                    result[folder] = items
                m.select("INBOX")
                typ, data = m.search(None, "SUBJECT", "msg3")
                m.store(data[0].decode(), "+FLAGS", "(\\Seen)")
                m.logout()
                print(json.dumps(result))
                """;
            var r = await ExternalTool.PythonAsync(script, dovecot.Port.ToString(CultureInfo.InvariantCulture));
            Assert.True(r.ExitCode == 0, r.ToString());
            var seen = System.Text.Json.JsonDocument.Parse(r.Stdout).RootElement;
            var folders = seen.GetProperty("folders").EnumerateArray().Select(e => e.GetString()).ToList();
            foreach (var expected in new[] { "INBOX", "Sent", "Drafts", "Trash", "Junk", "Archive", "Work", "Work/2026" })
            {
                Assert.Contains(expected, folders);
            }

            var inbox = seen.GetProperty("INBOX");
            Assert.Equal(["\\Seen"], inbox.GetProperty("msg1").EnumerateArray().Select(e => e.GetString()));
            Assert.Equal(["\\Flagged"], inbox.GetProperty("msg2").EnumerateArray().Select(e => e.GetString()));
            Assert.Empty(inbox.GetProperty("msg3").EnumerateArray());
            Assert.Equal(["$Work", "\\Seen"], seen.GetProperty("Work/2026").GetProperty("filed").EnumerateArray().Select(e => e.GetString()));

            // Dovecot reads the internal date from the file's mtime (it shows it in its own zone).
            var shown = seen.GetProperty("date filed").GetString()!;
            var offset = TimeSpan.ParseExact(shown[^4..], "hhmm", CultureInfo.InvariantCulture) * (shown[^5] == '-' ? -1 : 1);
            var instant = new DateTimeOffset(DateTime.ParseExact(shown[..^6].Trim(), "d-MMM-yyyy HH:mm:ss", CultureInfo.InvariantCulture), offset);
            Assert.Equal(new DateTimeOffset(2024, 1, 2, 1, 4, 5, TimeSpan.Zero), instant);
        }

        await using var reopenedStore = new MaildirMessageStore(new MaildirStoreOptions { Root = _root });
        await using var again = await reopenedStore.OpenAccountAsync("alice@example.test", default);
        await using var after = await again.OpenAsync("INBOX", true, default);
        Assert.Equal(SystemFlags.Seen, after!.Messages.Single(m => m.Uid == 3).Flags);
        Assert.Equal([1u, 2, 3], after.Messages.Select(m => m.Uid));
    }

    [Fact]
    public async Task Dovecot_sees_exactly_the_messages_a_large_expunge_of_ours_left()
    {
        await using (var store = new MaildirMessageStore(new MaildirStoreOptions { Root = _root }))
        {
            for (var i = 1; i <= 300; i++)
            {
                await store.DeliverAsync(new DeliveryRequest("", [new MailboxTarget("alice@example.test")], DateTimeOffset.UtcNow), new MemoryStream(Encoding.ASCII.GetBytes($"Subject: msg{i}\r\n\r\nbody {i}\r\n")), default);
            }

            await using var account = await store.OpenAccountAsync("alice@example.test", default);
            await using var view = await account.OpenAsync("INBOX", false, default);
            var doomed = view!.Messages.Select(m => m.Uid).Where(u => u % 3 != 0).ToList();
            await view.StoreFlagsAsync(UidSet.FromUids(doomed), new FlagChange(FlagChangeMode.Add, SystemFlags.Deleted, []), null, default);
            Assert.Equal(doomed, (await view.ExpungeAsync(null, default)).Expunged);
        }

        await using var dovecot = await Dovecot.StartOnStoreAsync(_root, "alice@example.test");
        const string script = """
            import imaplib, sys, re
            m = imaplib.IMAP4("127.0.0.1", int(sys.argv[1])); m.login("u", "p")
            typ, data = m.select("INBOX")
            typ, data = m.fetch("1:*", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
            subjects = sorted(int(d[1].decode().strip().split("msg", 1)[1]) for d in data if isinstance(d, tuple))
            m.logout()
            print(" ".join(str(s) for s in subjects))
            """;
        var r = await ExternalTool.PythonAsync(script, dovecot.Port.ToString(CultureInfo.InvariantCulture));
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(Enumerable.Range(1, 100).Select(i => 3 * i), r.Stdout.Trim().Split(' ').Select(s => int.Parse(s, CultureInfo.InvariantCulture)));
    }
}
