namespace MailKitServer.Storage.Maildir.Tests;

/// <summary>The index is written streamed through a 64 KB buffer (issue 24); what is read back is what was written.</summary>
public sealed class MaildirIndexFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("mks-index-").FullName;

    public void Dispose() => MailKitServer.TestSupport.TempDirectories.Delete(_folder);

    [Fact]
    public void An_index_larger_than_the_write_buffer_reads_back_as_written()
    {
        // 3,000 messages (about 300 KB, several buffers), one keyword longer than a buffer, zones, save dates or none.
        var huge = new string('k', 40_000);
        var messages = Enumerable.Range(1, 3000).Select(i =>
        {
            var unique = $"1700000000.M{i:D6}P1.host,S={i * 10}" + (i % 4 == 0 ? ",Z=+0200" : string.Empty);
            return new MaildirEntry
            {
                Uid = (uint)(i * 2),
                RelativePath = i % 5 == 0 ? $"new/{unique},U={i * 2}" : $"cur/{unique},U={i * 2}:2,{(i % 2 == 0 ? "S" : "FS")}",
                Flags = i % 5 == 0 ? SystemFlags.None : i % 2 == 0 ? SystemFlags.Seen : SystemFlags.Flagged | SystemFlags.Seen,
                Keywords = i == 1500 ? ["$Forwarded", huge] : i % 3 == 0 ? ["$Forwarded", "$Junk"] : [],
                ModSeq = (ulong)(10_000_000_000L + i),
                InternalDate = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000L + i).ToOffset(i % 4 == 0 ? TimeSpan.FromHours(2) : TimeSpan.Zero),
                Size = i * 10,
                EmailId = $"M{i:x24}",
                SaveDate = i % 7 == 0 ? null : DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_100_000L + i),
            };
        }).ToList();
        var expunged = new MaildirExpungeHistory();
        expunged.RaiseFloor(42);
        for (uint uid = 1; uid < 600; uid += 2)
        {
            expunged.Add(uid, 9_000_000_000UL + uid);
        }

        MaildirIndexFile.Write(_folder, 6001, 10_000_003_000, messages, expunged);
        var read = MaildirIndexFile.Read(_folder)!;

        Assert.False(read.Corrupt);
        Assert.Equal(6001u, read.UidNext);
        Assert.Equal(10_000_003_000UL, read.HighestModSeq);
        Assert.Equal(42UL, read.ExpungeFloor);
        Assert.Equal(expunged.Entries, read.Expunged);
        Assert.Equal(messages.Count, read.Messages.Count);
        for (var i = 0; i < messages.Count; i++)
        {
            var (a, b) = (messages[i], read.Messages[i]);
            Assert.Equal((a.Uid, a.Unique, a.RelativePath, a.Flags, a.ModSeq, a.InternalDate, a.InternalDate.Offset, a.Size, a.EmailId, a.SaveDate), (b.Uid, b.Unique, b.RelativePath, b.Flags, b.ModSeq, b.InternalDate, b.InternalDate.Offset, b.Size, b.EmailId, b.SaveDate));
            Assert.Equal(a.Keywords, b.Keywords);
        }
    }
}
