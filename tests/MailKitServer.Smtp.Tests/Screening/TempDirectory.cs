using MailKitServer.TestSupport;

namespace MailKitServer.Smtp.Tests.Screening;

/// <summary>A fresh temporary directory, removed on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("mks-screening-").FullName;

    public void Dispose() => TempDirectories.Delete(Path);
}
