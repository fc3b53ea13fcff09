using System.Text;
using MailKitServer.Smtp.Screening.Greylisting;
using MailKitServer.TestSupport;

namespace MailKitServer.Smtp.Tests.Screening;

public class FileGreylistStoreTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Records_survive_a_new_store_on_the_same_file_and_a_later_record_replaces_an_earlier_one()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "sub", ".greylist");
        var clock = new ManualTimeProvider();
        var first = new FileGreylistStore(path, clock);
        await first.SaveAsync(new GreylistEntry("T a", Now, Now, 0, Now.AddDays(1)), default);
        await first.SaveAsync(new GreylistEntry("T a", Now, Now.AddMinutes(5), 1, Now.AddDays(35)), default);
        await first.SaveAsync(new GreylistEntry("T gone", Now, Now, 0, Now.AddSeconds(1)), default);

        clock.Advance(TimeSpan.FromMinutes(10));
        var second = new FileGreylistStore(path, clock);
        Assert.Equal(new GreylistEntry("T a", Now, Now.AddMinutes(5), 1, Now.AddDays(35)), await second.FindAsync("T a", default));
        Assert.Null(await second.FindAsync("T gone", default));
        Assert.Equal(0, second.DamagedLines);
    }

    [Fact]
    public async Task A_damaged_file_costs_only_its_damaged_lines_and_is_rewritten_clean()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, ".greylist");
        var good = """{"Key":"T good","FirstSeen":"2026-01-01T00:00:00+00:00","LastSeen":"2026-01-01T00:00:00+00:00","Passes":1,"Expires":"2027-01-01T00:00:00+00:00"}""";
        var lines = new StringBuilder()
            .Append("garbage\n")
            .Append('{').Append('x', 10_000).Append("}\n")
            .Append("""{"Key":null,"Passes":1}""").Append('\n')
            .Append("\0\0\0\n")
            .Append(good).Append('\n')
            .Append("""{"Key":"T torn","FirstSeen":"2026-01-01T0""");
        await File.WriteAllTextAsync(path, lines.ToString());

        var store = new FileGreylistStore(path, new ManualTimeProvider());
        Assert.NotNull(await store.FindAsync("T good", default));
        Assert.Null(await store.FindAsync("T torn", default));
        Assert.Equal(5, store.DamagedLines);
        Assert.Equal(good + "\n", await File.ReadAllTextAsync(path));

        await store.SaveAsync(new GreylistEntry("T new", Now, Now, 0, Now.AddDays(1)), default);
        var reread = new FileGreylistStore(path, new ManualTimeProvider());
        Assert.NotNull(await reread.FindAsync("T new", default));
        Assert.Equal(0, reread.DamagedLines);
    }

    [Fact]
    public async Task The_file_is_rewritten_once_replaced_records_outnumber_live_ones()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, ".greylist");
        var store = new FileGreylistStore(path, new ManualTimeProvider());
        for (var i = 0; i < 3000; i++)
        {
            await store.SaveAsync(new GreylistEntry($"T {i % 10}", Now, Now.AddSeconds(i), i, Now.AddDays(1)), default);
        }

        Assert.True(File.ReadAllLines(path).Length <= 1020, $"{File.ReadAllLines(path).Length} lines");
        Assert.Equal(2999, (await new FileGreylistStore(path, new ManualTimeProvider()).FindAsync("T 9", default))!.Passes);
    }
}
