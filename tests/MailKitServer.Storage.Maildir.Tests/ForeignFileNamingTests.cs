using System.Text;

namespace MailKitServer.Storage.Maildir.Tests;

/// <summary>
/// Many files another program wrote get their UIDs in the index first and in their names (",U=") in the background
/// (issue 24: 20,000 renames held up a first SELECT). What the renames buy must hold at every step: the same UIDs
/// after a restart, and after a lost index either the same UIDs or a new UIDVALIDITY, never other UIDs under the old one.
/// </summary>
public sealed class ForeignFileNamingTests : IDisposable
{
    private const int Count = 150; // above the number renamed at once while adopting
    private const string User = "ford@example.test";
    private readonly string _root = Directory.CreateTempSubdirectory("mks-naming-").FullName;

    public void Dispose() => MailKitServer.TestSupport.TempDirectories.Delete(_root);

    private string Inbox => Path.Combine(_root, User, "Maildir");

    private string Marker => Path.Combine(Inbox, "mailkitserver.naming");

    private string Index => Path.Combine(Inbox, "mailkitserver.index");

    /// <summary>Files as Dovecot or mutt leave them: in cur/, no UID in the name, some with flags; message i says "m{i}".</summary>
    private void WriteForeignFiles()
    {
        Directory.CreateDirectory(Path.Combine(Inbox, "cur"));
        Directory.CreateDirectory(Path.Combine(Inbox, "new"));
        Directory.CreateDirectory(Path.Combine(Inbox, "tmp"));
        for (var i = 0; i < Count; i++)
        {
            var flags = i % 3 == 0 ? "S" : i % 3 == 1 ? "FS" : string.Empty;
            File.WriteAllText(Path.Combine(Inbox, "cur", $"1700000000.M{i:D6}P1.elsewhere:2,{flags}"), $"Subject: m{i}\r\n\r\nbody {i}\r\n");
        }

        // One more in new/, as an MDA delivers.
        File.WriteAllText(Path.Combine(Inbox, "new", "1700000001.M1P1.elsewhere"), $"Subject: m{Count}\r\n\r\nbody {Count}\r\n");
    }

    private static async Task<string> SubjectAsync(IMailboxView view, uint uid)
    {
        await using var content = await view.OpenContentAsync(uid, 0, null, default);
        return (await new StreamReader(content!).ReadLineAsync())!;
    }

    /// <summary>Each UID's subject and flags, as a view sees them (reads every file).</summary>
    private static async Task<Dictionary<uint, (string Subject, SystemFlags Flags)>> SnapshotAsync(IMailboxView view)
    {
        var result = new Dictionary<uint, (string, SystemFlags)>();
        foreach (var m in view.Messages)
        {
            result[m.Uid] = (await SubjectAsync(view, m.Uid), m.Flags);
        }

        return result;
    }

    private string[] MessageFiles() => [.. Directory.GetFiles(Path.Combine(Inbox, "cur")), .. Directory.GetFiles(Path.Combine(Inbox, "new"))];

    [Fact]
    public async Task Many_foreign_files_get_uids_from_the_index_at_once_and_in_their_names_in_the_background()
    {
        await using var store = new MaildirMessageStore(new MaildirStoreOptions { Root = _root });
        WriteForeignFiles();
        await using var account = await store.OpenAccountAsync(User, default);
        Dictionary<uint, (string Subject, SystemFlags Flags)> seen;
        await using (var view = await account.OpenAsync("INBOX", false, default))
        {
            Assert.Equal(Enumerable.Range(1, Count + 1).Select(i => (uint)i), view!.Messages.Select(m => m.Uid));

            // The UIDs were durable before the view had them: the index lists them all.
            Assert.Equal(Count + 1, File.ReadAllLines(Index).Count(l => l.StartsWith("M ", StringComparison.Ordinal)));
            seen = await SnapshotAsync(view);
            Assert.Equal(SystemFlags.Seen | SystemFlags.Flagged, seen.Values.Single(v => v.Subject == "Subject: m1").Flags);
        }

        await store.FlushAsync();
        Assert.False(File.Exists(Marker));
        var files = MessageFiles();
        Assert.Equal(Count + 1, files.Length);
        foreach (var (uid, (subject, _)) in seen)
        {
            var file = Assert.Single(files, f => f.Contains($",U={uid}:", StringComparison.Ordinal) || f.EndsWith($",U={uid}", StringComparison.Ordinal));
            Assert.Equal(subject, File.ReadLines(file).First());
        }

        // Flags kept in the new names, and the one in new/ stays there.
        Assert.Single(files, f => f.Contains("/new/", StringComparison.Ordinal));
        Assert.Equal(Count / 3, files.Count(f => f.EndsWith(":2,FS", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_crash_between_the_index_save_and_the_renames_keeps_the_uids_or_changes_uidvalidity(bool indexLost)
    {
        WriteForeignFiles();
        uint validity;
        Dictionary<uint, (string Subject, SystemFlags Flags)> before;
        string index;
        await using (var store = new MaildirMessageStore(new MaildirStoreOptions { Root = _root }))
        {
            await using var account = await store.OpenAccountAsync(User, default);
            await using var view = await account.OpenAsync("INBOX", false, default);
            validity = view!.Status.UidValidity;
            before = await SnapshotAsync(view);
            index = await File.ReadAllTextAsync(Index);
        }

        // The disk as a crash after step 2 leaves it: the marker, the index as saved before the UIDs went out, and
        // the files under the names the other program gave them.
        foreach (var file in MessageFiles())
        {
            var name = Path.GetFileName(file);
            var u = name.IndexOf(",U=", StringComparison.Ordinal);
            var colon = name.IndexOf(':', StringComparison.Ordinal);
            File.Move(file, Path.Combine(Path.GetDirectoryName(file)!, name[..u] + (colon < 0 ? string.Empty : name[colon..])));
        }

        await File.WriteAllTextAsync(Marker, "crashed\n");
        await File.WriteAllTextAsync(Index, index);
        if (indexLost)
        {
            File.Delete(Index);
        }

        await using (var restarted = new MaildirMessageStore(new MaildirStoreOptions { Root = _root }))
        {
            await using var account = await restarted.OpenAccountAsync(User, default);
            await using var view = await account.OpenAsync("INBOX", false, default);
            var after = await SnapshotAsync(view!);
            if (indexLost)
            {
                // The UIDs of the unnamed files are unknown now: not others under the same UIDVALIDITY (RFC 3501 §2.3.1.1).
                Assert.True(view!.Status.UidValidity > validity);
                Assert.Equal(before.Values.Select(v => v.Subject).Order(), after.Values.Select(v => v.Subject).Order());
            }
            else
            {
                Assert.Equal(validity, view!.Status.UidValidity);
                Assert.Equal(before, after);
            }

            await restarted.FlushAsync();
            Assert.False(File.Exists(Marker));
            Assert.All(MessageFiles(), f => Assert.Contains(",U=", f, StringComparison.Ordinal));
        }

        // Named now: losing the index from here on keeps UIDs and UIDVALIDITY (the rebuild reads the names).
        uint named;
        Dictionary<uint, (string Subject, SystemFlags Flags)> settled;
        await using (var store = new MaildirMessageStore(new MaildirStoreOptions { Root = _root }))
        {
            await using var account = await store.OpenAccountAsync(User, default);
            await using var view = await account.OpenAsync("INBOX", false, default);
            named = view!.Status.UidValidity;
            settled = await SnapshotAsync(view);
        }

        File.Delete(Index);
        await using var rebuilt = new MaildirMessageStore(new MaildirStoreOptions { Root = _root });
        await using var again = await rebuilt.OpenAccountAsync(User, default);
        await using var last = await again.OpenAsync("INBOX", false, default);
        Assert.Equal(named, last!.Status.UidValidity);
        Assert.Equal(settled, await SnapshotAsync(last));
    }

    [Fact]
    public async Task A_flag_change_while_names_are_pending_names_the_file_and_loses_nothing()
    {
        WriteForeignFiles();
        await using var store = new MaildirMessageStore(new MaildirStoreOptions { Root = _root });
        await using var account = await store.OpenAccountAsync(User, default);
        await using var view = await account.OpenAsync("INBOX", false, default);
        var all = UidSet.FromUids(view!.Messages.Select(m => m.Uid));
        var result = await view.StoreFlagsAsync(all, new FlagChange(FlagChangeMode.Add, SystemFlags.Answered, []), null, default);
        Assert.Equal(Count + 1, result.Changed.Count);
        await view.StoreFlagsAsync(UidSet.FromUids([1, 2, 3]), new FlagChange(FlagChangeMode.Add, SystemFlags.Deleted, []), null, default);
        Assert.Equal([1u, 2, 3], (await view.ExpungeAsync(null, default)).Expunged);
        await store.FlushAsync();
        Assert.False(File.Exists(Marker));
        var files = MessageFiles();
        Assert.Equal(Count - 2, files.Length);
        Assert.All(files, f => Assert.Contains("R", f[(f.LastIndexOf(":2,", StringComparison.Ordinal) + 3)..], StringComparison.Ordinal));
        for (uint uid = 4; uid <= Count + 1; uid++)
        {
            Assert.StartsWith("Subject: m", await SubjectAsync(view, uid), StringComparison.Ordinal);
        }
    }
}
