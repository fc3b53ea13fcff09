using System.Reflection;
using MailKitServer.Imap;
using MailKitServer.TestSupport;

namespace MailKitServer.Imap.Tests.Session;

public class IdCommandTests
{
    [Fact]
    public async Task Id_reports_the_version_the_package_was_built_with()
    {
        // One version source (Directory.Build.props): what ID says is the IMAP assembly's version, without "+commit".
        var built = typeof(ImapOptions).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion.Split('+')[0];
        await using var server = await TestMailServer.StartAsync();
        await using var client = await LineClient.ConnectAsync(server.Imap);
        await client.ReadLineAsync();
        await client.SendAsync("a ID NIL\r\n");
        Assert.Equal($"* ID (\"name\" \"MailKitServer\" \"version\" \"{built}\")", await client.ReadLineAsync());
        Assert.StartsWith("a OK", await client.ReadLineAsync(), StringComparison.Ordinal);
    }
}
