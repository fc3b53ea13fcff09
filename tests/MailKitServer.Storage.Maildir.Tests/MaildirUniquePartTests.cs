namespace MailKitServer.Storage.Maildir.Tests;

/// <summary>
/// A message's unique part is read from the path the folder knows (no second string per message), and the folder's look
/// at its files tells names apart by it (<see cref="MaildirUniquePartComparer"/>): the same answers as the unique name
/// strings the folder kept before (issue 24).
/// </summary>
public class MaildirUniquePartTests
{
    private static readonly string[] Paths =
    [
        "new/1700000000.M1P1.host",
        "new/1700000000.M1P1.host,U=7",
        "cur/1700000000.M1P1.host,U=7:2,FS",
        "cur/1700000000.M1P1.host:2,",
        "cur/1700000000.M1P1.host,S=77,Z=+0200,U=5:2,Sa",
        "new/1700000000.M1P1.host,S=77,Z=+0200",
        "cur/1700000000.M10P1.host:2,S",
        "cur/1700000000.M2P1.host,U=3:2,S",
        "cur/1700000000.M1P1.hos:2,S",
        "cur/1700000000.M1P1.host:2,S:x",
        "new/x",
        "cur/é.M1P1.hôst:2,",
    ];

    [Fact]
    public void The_unique_part_of_a_path_is_the_unique_name_of_its_file()
    {
        foreach (var path in Paths)
        {
            Assert.Equal(MaildirFileName.Unique(path[4..]), MaildirFileName.UniquePart(path).ToString());
        }
    }

    [Fact]
    public void Paths_compare_and_hash_as_their_unique_names_do_ordinally()
    {
        var comparer = MaildirUniquePartComparer.Instance;
        foreach (var a in Paths)
        {
            foreach (var b in Paths)
            {
                var (ua, ub) = (MaildirFileName.Unique(a[4..]), MaildirFileName.Unique(b[4..]));
                Assert.Equal(ua == ub, comparer.Equals(a, b));
                Assert.Equal(Math.Sign(string.CompareOrdinal(ua, ub)), Math.Sign(comparer.Compare(a, b)));
                if (ua == ub)
                {
                    Assert.Equal(comparer.GetHashCode(a), comparer.GetHashCode(b));
                }
            }
        }
    }

    [Fact]
    public void A_set_of_paths_keeps_one_name_per_unique_part_and_finds_it_by_another_name()
    {
        var set = new HashSet<string>(MaildirUniquePartComparer.Instance);
        Assert.True(set.Add("new/1700000000.M1P1.host"));
        Assert.False(set.Add("cur/1700000000.M1P1.host,U=7:2,FS"));
        Assert.True(set.Add("cur/1700000000.M1P1.hos:2,S"));
        Assert.True(set.TryGetValue("cur/1700000000.M1P1.host:2,T", out var found));
        Assert.Equal("new/1700000000.M1P1.host", found);
    }

    [Fact]
    public void An_entry_gives_the_unique_name_and_dates_of_any_offset_back_as_set()
    {
        var date = new DateTimeOffset(2026, 12, 1, 1, 2, 3, 456, TimeSpan.FromMinutes(-150));
        var saved = new DateTimeOffset(2026, 11, 30, 23, 0, 0, TimeSpan.FromHours(14));
        var entry = new MaildirEntry { Uid = 5, RelativePath = "cur/1700000000.M1P1.host,S=77,Z=-0230,U=5:2,S", InternalDate = date, Size = 77, SaveDate = saved };
        Assert.Equal("1700000000.M1P1.host,S=77,Z=-0230", entry.Unique);
        Assert.Equal((date, date.Offset), (entry.InternalDate, entry.InternalDate.Offset));
        Assert.Equal(((DateTimeOffset?)saved, saved.Offset), (entry.SaveDate, entry.SaveDate!.Value.Offset));
        Assert.Equal(MaildirEntry.EmailIdOf("1700000000.M1P1.host,S=77,Z=-0230"), entry.EmailId);

        entry.SaveDate = null;
        Assert.Null(entry.SaveDate);
        var info = entry.ToInfo();
        Assert.Equal((date, date.Offset, 77L, (DateTimeOffset?)null), (info.InternalDate, info.InternalDate.Offset, info.Size, info.SaveDate));
    }
}
