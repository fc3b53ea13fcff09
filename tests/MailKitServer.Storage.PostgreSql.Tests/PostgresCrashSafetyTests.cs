using MailKitServer.TestSupport;

namespace MailKitServer.Storage.PostgreSql.Tests;

/// <summary>The promise "a 250 is never lost" with the host on PostgreSQL (see <see cref="HostCrashHarness"/>).</summary>
[Collection("postgres")]
public sealed class PostgresCrashSafetyTests(PostgresFixture fixture)
{
    [Fact]
    public async Task Every_acknowledged_message_survives_repeated_sigkill_of_the_host() =>
        await HostCrashHarness.EveryAcknowledgedMessageSurvivesSigkillAsync("postgres:" + await fixture.Server.CreateDatabaseAsync());
}
