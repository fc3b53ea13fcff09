using MailKitServer.Runtime;
using MailKitServer.Storage.PostgreSql.Schema;
using Npgsql;

namespace MailKitServer.Storage.PostgreSql.Tests;

/// <summary>The schema is versioned and migrated on start: one node migrates, the others wait.</summary>
[Collection("postgres")]
public sealed class SchemaTests(PostgresFixture fixture)
{
    private static string DatabaseName(string connectionString) => new NpgsqlConnectionStringBuilder(connectionString).Database!;

    [Fact]
    public async Task Nodes_starting_together_on_a_new_database_migrate_it_once()
    {
        var db = await fixture.Server.CreateDatabaseAsync();
        var nodes = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => PostgresFixture.OpenAsync(db)));
        try
        {
            Assert.Single(nodes, n => n.SchemaVersionFound == 0);
            Assert.All(nodes.Where(n => n.SchemaVersionFound != 0), n => Assert.Equal(PostgresMailDatabase.SchemaVersion, n.SchemaVersionFound));
            Assert.Equal(PostgresMailDatabase.SchemaVersion.ToString(System.Globalization.CultureInfo.InvariantCulture),
                (await fixture.Server.PsqlAsync(DatabaseName(db), "SELECT version FROM mks_schema_version")).Stdout.Trim());
        }
        finally
        {
            foreach (var n in nodes)
            {
                await n.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_database_of_the_first_version_is_upgraded_and_keeps_its_mail()
    {
        var db = await fixture.Server.CreateDatabaseAsync();
        await using (var dataSource = NpgsqlDataSource.Create(db))
        {
            Assert.Equal(0, await SchemaMigrator.MigrateAsync(dataSource, default, target: 1));
        }

        // Mail as version 1 stored it.
        var name = DatabaseName(db);
        var seeded = await fixture.Server.PsqlAsync(name, """
            INSERT INTO mks_accounts (user_id, used_bytes, used_messages) VALUES ('old@example.test', 26, 1);
            INSERT INTO mks_mailboxes (account_id, name, role, uid_validity, uid_next, highest_modseq) VALUES (1, 'INBOX', 1, 777, 2, 2);
            INSERT INTO mks_contents (size, chunk_size) VALUES (26, 262144);
            INSERT INTO mks_content_chunks VALUES (1, 0, convert_to(E'Subject: old\r\n\r\nkept\r\n\r\n', 'UTF8'));
            INSERT INTO mks_messages VALUES (1, 1, 2, 1, 1, '{$Old}', '2020-01-01T00:00:00Z', 26);
            """);
        Assert.Equal(0, seeded.ExitCode);

        await using var database = await PostgresFixture.OpenAsync(db);
        Assert.Equal(1, database.SchemaVersionFound);
        await using var account = await database.MessageStore.OpenAccountAsync("old@example.test", default);
        await using var view = await account.OpenAsync("INBOX", false, default);
        Assert.Equal(777u, view!.Status.UidValidity);
        var m = Assert.Single(view.Messages);
        Assert.Equal((1u, SystemFlags.Seen, "$Old"), (m.Uid, m.Flags, m.Keywords.Single()));
        await using (var content = await view.OpenContentAsync(1, 0, null, default))
        {
            Assert.StartsWith("Subject: old", await new StreamReader(content!).ReadToEndAsync(), StringComparison.Ordinal);
        }

        // Version 2's parts work on the upgraded database: the directory and the next UID.
        await database.Directory.AddUserAsync("old@example.test", "pw");
        Assert.True((await database.Directory.AuthenticateAsync("old@example.test", "pw", default)).Succeeded);
        Assert.Equal(2u, (await account.AppendAsync("INBOX", new MemoryStream("Subject: new\r\n\r\nx\r\n"u8.ToArray()), SystemFlags.None, [], null, default)).Uid);
    }

    [Fact]
    public async Task A_database_migrated_by_newer_code_is_refused_with_a_clear_message()
    {
        var db = await fixture.Server.CreateDatabaseAsync();
        await (await PostgresFixture.OpenAsync(db)).DisposeAsync();
        await fixture.Server.PsqlAsync(DatabaseName(db), "UPDATE mks_schema_version SET version = 99");
        var ex = await Assert.ThrowsAsync<MailServerOptionsException>(() => PostgresFixture.OpenAsync(db));
        Assert.Contains("version 99", ex.Message, StringComparison.Ordinal);
        Assert.Contains("newer", ex.Message, StringComparison.Ordinal);
    }
}
