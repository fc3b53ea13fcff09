namespace MailKitServer.TestSupport;

/// <summary>Where the sample host's build output is, for tests that run it as a child process (as a user runs it).</summary>
public static class HostBinary
{
    /// <summary>The host's DLL of the same configuration (Debug or Release) as the running tests; run it with <c>dotnet</c>.</summary>
    public static string Path
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "MailKitServer.sln")))
            {
                dir = dir.Parent;
            }

            var configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
            return System.IO.Path.Combine(dir!.FullName, "samples", "MailKitServer.Host", "bin", configuration, "net10.0", "MailKitServer.Host.dll");
        }
    }
}
