using System.Globalization;

namespace MailKitServer.Storage.Maildir.Tests;

public class MaildirFileNameTests
{
    /// <summary>Dovecot's order for files it has no UID for: seconds, then the M microseconds, then the rest as a string.</summary>
    private static int DovecotOrder(string x, string y)
    {
        static (long Seconds, long Micros, string Tail) Split(string name)
        {
            var dot = name.IndexOf('.', StringComparison.Ordinal);
            var p = name.IndexOf('P', dot);
            return (long.Parse(name[..dot], CultureInfo.InvariantCulture), long.Parse(name[(dot + 2)..p], CultureInfo.InvariantCulture), name[p..]);
        }

        var (a, b) = (Split(x), Split(y));
        var order = a.Seconds.CompareTo(b.Seconds);
        order = order != 0 ? order : a.Micros.CompareTo(b.Micros);
        return order != 0 ? order : string.CompareOrdinal(a.Tail, b.Tail);
    }

    [Fact]
    public void Names_made_in_a_row_sort_in_that_order_as_dovecot_sorts_them()
    {
        // Made faster than one per millisecond, so the counter decides among equal times; it crosses 9 -> 10 and 99 -> 100.
        var names = Enumerable.Range(0, 3000).Select(_ => MaildirFileName.NewUnique()).ToList();
        var sorted = names.ToList();
        sorted.Sort(DovecotOrder);
        Assert.Equal(names, sorted);
    }

    [Theory]
    [InlineData("1700000000.M1P1.host,S=1234:2,S", 1234L)]
    [InlineData("1700000000.M1P1.host,S=1234,W=1300:2,S", 1234L)]
    [InlineData("1700000000.M1P1.host,S=77,U=5", 77L)]
    [InlineData("1700000000.M1P1.host,S=77,Z=+0200,U=5:2,FS", 77L)]
    [InlineData("1700000000.M1P1.host:2,S", null)]
    [InlineData("1700000000.M1P1.host", null)]
    [InlineData("1700000000.M1P1.host,S=:2,S", null)]
    [InlineData("1700000000.M1P1.host,S=12x:2,S", null)]
    [InlineData("1700000000.M1P1.host:2,S=5", null)]
    public void The_size_a_name_carries_is_read_from_its_base_name(string name, long? size) => Assert.Equal(size, MaildirFileName.Size(name));

    [Theory]
    [InlineData("cur/1700000000.M1P1.host,U=3:2,FSab", "ab")]
    [InlineData("cur/1700000000.M1P1.host,U=3:2,FS", "")]
    [InlineData("new/1700000000.M1P1.host,U=3", "")]
    [InlineData("cur/1700000000.M1P1.host:2,zDa", "za")]
    public void Keyword_letters_are_the_lowercase_letters_of_the_info_part(string name, string letters) => Assert.Equal(letters, MaildirFileName.KeywordLetters(name));
    [Theory]
    [InlineData(SystemFlags.None, "", "cur/1700000000.M1P1.host,S=9,U=42:2,")]
    [InlineData(SystemFlags.Flagged, "", "cur/1700000000.M1P1.host,S=9,U=42:2,F")]
    [InlineData(SystemFlags.Seen | SystemFlags.Answered | SystemFlags.Flagged, "ab", "cur/1700000000.M1P1.host,S=9,U=42:2,FRSab")]
    [InlineData(SystemFlags.Deleted | SystemFlags.Draft | SystemFlags.Seen, "", "cur/1700000000.M1P1.host,S=9,U=42:2,DST")]
    [InlineData(SystemFlags.Draft | SystemFlags.Flagged | SystemFlags.Answered | SystemFlags.Seen | SystemFlags.Deleted, "z", "cur/1700000000.M1P1.host,S=9,U=42:2,DFRSTz")]
    public void A_path_in_cur_carries_the_UID_then_the_flags_in_ASCII_order_then_the_keyword_letters(SystemFlags flags, string letters, string expected)
    {
        var path = MaildirFileName.CurPath("1700000000.M1P1.host,S=9", 42, flags, letters);
        Assert.Equal(expected.Replace('/', Path.DirectorySeparatorChar), path);
        Assert.Equal(flags, MaildirFileName.Flags(path));
        Assert.Equal(42u, MaildirFileName.Uid(Path.GetFileName(path)));
        Assert.Equal(letters, MaildirFileName.KeywordLetters(path));
    }

    [Fact]
    public void Every_combination_of_system_flags_survives_a_path_in_cur()
    {
        var all = new[] { SystemFlags.Draft, SystemFlags.Flagged, SystemFlags.Answered, SystemFlags.Seen, SystemFlags.Deleted };
        for (var mask = 0; mask < 32; mask++)
        {
            var flags = all.Where((_, bit) => (mask & (1 << bit)) != 0).Aggregate(SystemFlags.None, (a, f) => a | f);
            Assert.Equal(flags, MaildirFileName.Flags(MaildirFileName.CurPath("u", 1, flags)));
        }
    }
}
