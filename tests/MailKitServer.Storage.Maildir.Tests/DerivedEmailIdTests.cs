namespace MailKitServer.Storage.Maildir.Tests;

/// <summary>
/// The EMAILID of a message first seen or stored here is derived from its unique name when first asked for, and the
/// index keeps only the ids that were given (a copy's, or those an older index listed): the first sight of 20,000 files
/// another program wrote hashed every name before its answer (issue 24). The ids handed out must not change: the same
/// value as before the change, after a restart, after the index is lost, and for an index written by an older version.
/// </summary>
public sealed class DerivedEmailIdTests : IDisposable
{
    private const string User = "ids@example.test";
    private const string FirstUnique = "1700000000.M000000P1.elsewhere";

    /// <summary>"M" and the first 24 hex digits of SHA-256("1700000000.M000000P1.elsewhere"): the id this name has always had.</summary>
    private const string FirstEmailId = "M29b4d2d6e20a5ef71c088f66";

    private readonly string _root = Directory.CreateTempSubdirectory("mks-ids-").FullName;

    public void Dispose() => MailKitServer.TestSupport.TempDirectories.Delete(_root);

    private string Inbox => Path.Combine(_root, User, "Maildir");

    private string Index => Path.Combine(Inbox, MaildirIndexFile.Name);

    private void WriteForeignFiles(int count)
    {
        foreach (var sub in new[] { "cur", "new", "tmp" })
        {
            Directory.CreateDirectory(Path.Combine(Inbox, sub));
        }

        for (var i = 0; i < count; i++)
        {
            File.WriteAllText(Path.Combine(Inbox, "cur", $"1700000000.M{i:D6}P1.elsewhere:2,S"), $"Subject: m{i}\r\n\r\nbody\r\n");
        }
    }

    /// <summary>Each UID's EMAILID and save date (in milliseconds, as the index keeps it), as a newly started store gives them.</summary>
    private async Task<Dictionary<uint, (string? EmailId, long? SaveDate)>> IdsAsync()
    {
        await using var store = new MaildirMessageStore(new MaildirStoreOptions { Root = _root });
        await using var account = await store.OpenAccountAsync(User, default);
        await using var view = await account.OpenAsync("INBOX", false, default);
        var ids = view!.Messages.ToDictionary(m => m.Uid, m => (m.EmailId, m.SaveDate?.ToUnixTimeMilliseconds()));
        await store.FlushAsync();
        return ids;
    }

    [Theory]
    [InlineData(10)] // named at once
    [InlineData(150)] // named in the background
    public async Task Foreign_files_get_the_ids_their_names_always_gave_and_keep_them_across_restarts_and_a_lost_index(int count)
    {
        WriteForeignFiles(count);
        var first = await IdsAsync();

        Assert.Equal(count, first.Count);
        Assert.Equal(FirstEmailId, first[1].EmailId);
        Assert.All(first.Values, v => Assert.Matches("^M[0-9a-f]{24}$", v.EmailId));
        Assert.Equal(count, first.Values.Select(v => v.EmailId).Distinct().Count());
        Assert.All(first.Values, v => Assert.NotNull(v.SaveDate));

        // Derived ids are not written: one S line (the save date) per message, no O line.
        var lines = await File.ReadAllLinesAsync(Index);
        Assert.DoesNotContain(lines, l => l.StartsWith("O ", StringComparison.Ordinal));
        Assert.Equal(count, lines.Count(l => l.StartsWith("S ", StringComparison.Ordinal)));

        // A restart reads the same ids and save dates from the index.
        Assert.Equal(first, await IdsAsync());

        // A lost index is rebuilt from the names: the same ids (save dates are the index's, so new ones).
        File.Delete(Index);
        var rebuilt = await IdsAsync();
        Assert.Equal(first.ToDictionary(p => p.Key, p => p.Value.EmailId), rebuilt.ToDictionary(p => p.Key, p => p.Value.EmailId));
    }

    [Fact]
    public void Given_ids_are_written_and_read_back_as_given_and_derived_ones_as_derived()
    {
        Directory.CreateDirectory(Inbox);
        var copy = new MaildirEntry { Uid = 1, RelativePath = "cur/1700000000.M000001P1.here,U=1:2,", EmailId = "Mcopiedfromelsewhere0000", SaveDate = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000) };
        var own = new MaildirEntry { Uid = 2, RelativePath = $"cur/{FirstUnique},U=2:2,", SaveDate = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_001) };
        MaildirIndexFile.Write(Inbox, 3, 5, [copy, own], new MaildirExpungeHistory());

        var lines = File.ReadAllLines(Index);
        Assert.Contains("O 1 Mcopiedfromelsewhere0000 1700000000000", lines);
        Assert.Contains("S 2 1700000000001", lines);

        var read = MaildirIndexFile.Read(Inbox)!.Messages;
        Assert.Equal(("Mcopiedfromelsewhere0000", true, copy.SaveDate), (read[0].EmailId, read[0].EmailIdGiven, read[0].SaveDate));
        Assert.Equal((FirstEmailId, false, own.SaveDate), (read[1].EmailId, read[1].EmailIdGiven, read[1].SaveDate));
    }

    [Fact]
    public async Task An_index_an_older_version_wrote_keeps_its_ids_with_or_without_O_lines()
    {
        WriteForeignFiles(3);
        var names = Directory.GetFiles(Path.Combine(Inbox, "cur")).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();

        // UIDs 1-3; an O line with an id that is not the derived one (a copy) for UID 2, none for 1 and 3 (written
        // before O lines existed).
        await File.WriteAllLinesAsync(Index,
        [
            "MKS 1", "uidnext 4", "modseq 10",
            $"M 1 7 1700000000000 40 cur/{names[0]}", $"M 2 8 1700000000000 40 cur/{names[1]}", $"M 3 9 1700000000000 40 cur/{names[2]}",
            "O 2 Mkeptfromanoldercopy0000 1700000000500", "expungefloor 0",
        ]);

        var ids = await IdsAsync();
        Assert.Equal(FirstEmailId, ids[1].EmailId);
        Assert.Equal("Mkeptfromanoldercopy0000", ids[2].EmailId);
        Assert.Equal(1_700_000_000_500, ids[2].SaveDate);
        Assert.Equal(MaildirEntry.EmailIdOf(MaildirFileName.Unique(names[2]!)), ids[3].EmailId);
        Assert.Equal(ids, await IdsAsync());
    }
}
