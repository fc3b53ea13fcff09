using System.Text;

namespace MailKitServer.Storage.Maildir.Tests;

public sealed class MaildirUserFolderTests : IDisposable
{
    /// <summary>User ids chosen to collide under a lossy mapping: case, non-ASCII, '_' and '%', path characters, NUL.</summary>
    private static readonly string[] TrickyIds =
    [
        "jörg@x.test", "j_rg@x.test", "j%rg@x.test", "j%C3%B6rg@x.test", "jörg@X.TEST", "JÖRG@x.test", "j\u00f6rg@x.test".Normalize(NormalizationForm.FormD),
        "a/b@x.test", "a_b@x.test", "a\\b@x.test", "a b@x.test", "a\0b@x.test", "a\tb@x.test", "a:b@x.test",
        ".", "..", "...", ".queue", "_queue", "%2Equeue", "a..b@x.test", "../etc", "..%2Fetc",
        "user@x.test", "USER@X.TEST", "user+tag@x.test", "user-tag@x.test", "user.tag@x.test",
        "😀@x.test", "\ud83d\ude01@x.test", "ø@x.test", "Ø@x.test", "k@x.test", "\u212a@x.test", "i@x.test", "\u0130@x.test", "\u0131@x.test",
        "ä", "a", "_", "%", "%25", "%%", "+", "-", "@",
    ];

    private readonly string _root = Directory.CreateTempSubdirectory("mks-userfolder-").FullName;

    public void Dispose() => MailKitServer.TestSupport.TempDirectories.Delete(_root);

    [Fact]
    public void Distinct_users_never_share_a_folder()
    {
        // Ids that differ only in ASCII letter case are one user (as the in-memory store compares them); all others differ.
        var byFolder = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var id in TrickyIds)
        {
            var folder = MaildirUserFolder.Encode(id);
            if (byFolder.TryGetValue(folder, out var other))
            {
                Assert.True(AsciiLower(other) == AsciiLower(id), $"'{Escape(id)}' and '{Escape(other)}' share the folder '{folder}'");
            }

            byFolder[folder] = id;
        }

        for (var i = 0; i < TrickyIds.Length; i++)
        {
            for (var j = 0; j < TrickyIds.Length; j++)
            {
                var same = AsciiLower(TrickyIds[i]) == AsciiLower(TrickyIds[j]);
                Assert.Equal(same, MaildirUserFolder.Encode(TrickyIds[i]) == MaildirUserFolder.Encode(TrickyIds[j]));
            }
        }
    }

    [Fact]
    public void Every_folder_name_is_one_plain_file_name_under_the_root()
    {
        foreach (var id in TrickyIds)
        {
            var folder = MaildirUserFolder.Encode(id);
            Assert.Matches("^[a-z0-9@._+%A-F-]+$", folder);
            Assert.False(folder.StartsWith('.'), folder);
            Assert.Equal(Path.Combine(_root, folder), Path.GetFullPath(Path.Combine(_root, folder)));
            Assert.Equal(_root, Path.GetDirectoryName(Path.GetFullPath(Path.Combine(_root, folder))));
        }
    }

    [Theory]
    [InlineData("alice@example.test")]
    [InlineData("Bob.Smith+news@Example.TEST")]
    [InlineData("j_rg@x.test")]
    [InlineData("first-last@sub.x.test")]
    public void Plain_ascii_users_keep_the_folders_earlier_versions_made(string id)
    {
        // The mapping before: lower-case, then anything but [a-z0-9@.-_+] became '_'.
        var before = string.Concat(id.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) || c is '@' or '.' or '-' or '_' or '+' ? c : '_'));
        Assert.Equal(before, MaildirUserFolder.Encode(id));
    }

    [Fact]
    public void Ids_that_cannot_be_a_folder_are_refused()
    {
        Assert.Throws<ArgumentException>(() => MaildirUserFolder.Encode(""));
        Assert.Throws<ArgumentException>(() => MaildirUserFolder.Encode("a\ud800b@x.test"));
        Assert.Throws<ArgumentException>(() => MaildirUserFolder.Encode(new string('ü', 50) + "@x.test"));
    }

    [Fact]
    public async Task Two_users_whose_ids_collided_before_get_their_own_mail()
    {
        await using var store = new MaildirMessageStore(new MaildirStoreOptions { Root = _root });
        await store.DeliverAsync(new DeliveryRequest("", [new MailboxTarget("jörg@x.test")], DateTimeOffset.UtcNow), new MemoryStream("Subject: for joerg\r\n\r\nx\r\n"u8.ToArray()), default);
        await store.DeliverAsync(new DeliveryRequest("", [new MailboxTarget("j_rg@x.test")], DateTimeOffset.UtcNow), new MemoryStream("Subject: for j_rg\r\n\r\nx\r\n"u8.ToArray()), default);
        foreach (var (user, subject) in new[] { ("jörg@x.test", "for joerg"), ("j_rg@x.test", "for j_rg") })
        {
            await using var account = await store.OpenAccountAsync(user, default);
            await using var view = await account.OpenAsync("INBOX", true, default);
            var message = Assert.Single(view!.Messages);
            await using var content = await view.OpenContentAsync(message.Uid, 0, null, default);
            Assert.StartsWith($"Subject: {subject}\r\n", await new StreamReader(content!).ReadToEndAsync(), StringComparison.Ordinal);
        }

        Assert.True(Directory.Exists(Path.Combine(_root, "j%C3%B6rg@x.test", "Maildir")));
        Assert.True(Directory.Exists(Path.Combine(_root, "j_rg@x.test", "Maildir")));
    }

    private static string AsciiLower(string s) => string.Concat(s.Select(c => char.IsAsciiLetterUpper(c) ? char.ToLowerInvariant(c) : c));

    private static string Escape(string s) => string.Concat(s.Select(c => c < 32 ? $"\\x{(int)c:X2}" : c.ToString()));
}
