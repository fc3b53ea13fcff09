using MailKitServer.Storage.PostgreSql.Screening;
using MailKitServer.Smtp.Screening.Greylisting;

namespace MailKitServer.Storage.PostgreSql.Tests;

/// <summary>The greylist in PostgreSQL: what one node records, another node (its own pool) finds; a save replaces.</summary>
[Collection("postgres")]
public sealed class PostgresGreylistStoreTests(PostgresFixture fixture)
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_record_saved_on_one_node_is_found_on_another_and_a_later_save_replaces_it()
    {
        var connectionString = await fixture.SharedDatabaseAsync();
        await using var one = await PostgresFixture.OpenAsync(connectionString);
        await using var two = await PostgresFixture.OpenAsync(connectionString);
        var key = $"T 192.0.2.0/24 a@x.test {Guid.NewGuid():N}@example.test";
        var first = new PostgresGreylistStore(one);
        var second = new PostgresGreylistStore(two);

        Assert.Null(await second.FindAsync(key, default));
        await first.SaveAsync(new GreylistEntry(key, Now, Now, 0, Now.AddDays(2)), default);
        Assert.Equal(new GreylistEntry(key, Now, Now, 0, Now.AddDays(2)), await second.FindAsync(key, default));
        await second.SaveAsync(new GreylistEntry(key, Now, Now.AddMinutes(5), 1, Now.AddDays(35)), default);
        Assert.Equal(new GreylistEntry(key, Now, Now.AddMinutes(5), 1, Now.AddDays(35)), await first.FindAsync(key, default));
    }
}
