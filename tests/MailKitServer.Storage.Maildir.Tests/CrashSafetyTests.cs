namespace MailKitServer.Storage.Maildir.Tests;

/// <summary>The promise "a 250 is never lost" with the host on a Maildir (see <see cref="MailKitServer.TestSupport.HostCrashHarness"/>).</summary>
public sealed class CrashSafetyTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("mks-crash-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public Task Every_acknowledged_message_survives_repeated_sigkill() =>
        MailKitServer.TestSupport.HostCrashHarness.EveryAcknowledgedMessageSurvivesSigkillAsync("maildir:" + _root);
}
