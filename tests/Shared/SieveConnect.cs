using System.Globalization;

namespace MailKitServer.TestSupport;

/// <summary>Debian's sieve-connect (a ManageSieve client nobody here wrote), run against a loopback port over STARTTLS with PLAIN.</summary>
public static class SieveConnect
{
    /// <summary>Runs one sieve-connect action (<c>--upload</c>, <c>--activate</c>, <c>--list</c>, ...) in <paramref name="directory"/>.</summary>
    public static Task<ExternalTool.Result> RunAsync(int port, string user, string password, string directory, params string[] action) =>
        ExternalTool.RunAsync(
            "sieve-connect",
            ["--server", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture), "--user", user, "--passwordfd", "0", "--notlsverify", "--authmech", "PLAIN", .. action],
            stdin: password + "\n",
            workingDirectory: directory,
            timeout: TimeSpan.FromSeconds(60));
}
