using System.Globalization;
using System.IO.Compression;
using System.Xml.Linq;
using MailKitServer.TestSupport;

namespace MailKitServer.Testing.Tests;

/// <summary>
/// Packs every src/ project into the local feed that nuget.config declares (samples/packages), checks each package's
/// contents, and runs the password-reset sample's tests, which take MailKitServer.Testing by PackageReference.
/// </summary>
public class PackagingTests
{
    private static readonly string[] Projects = ["MailKitServer", "MailKitServer.Smtp", "MailKitServer.Pop3", "MailKitServer.Imap", "MailKitServer.Storage.Maildir", "MailKitServer.Storage.PostgreSql", "MailKitServer.Sieve", "MailKitServer.Sieve.PostgreSql", "MailKitServer.Testing", "MailKitServer.Web"];

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MailKitServer.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("MailKitServer.sln not found above " + AppContext.BaseDirectory);
    }

    [Fact]
    public async Task Packages_carry_readme_docs_and_dependencies_and_the_sample_consumes_them_from_the_local_feed()
    {
        var root = RepositoryRoot();
        var feed = Path.Combine(root, "samples", "packages");
        var version = "0.1.0-local." + DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        foreach (var old in Directory.GetFiles(feed, "*.nupkg"))
        {
            File.Delete(old);
        }

        foreach (var project in Projects)
        {
            var pack = await ExternalTool.RunAsync("dotnet", ["pack", Path.Combine(root, "src", project), "-c", "Release", "-o", feed, $"-p:Version={version}", "--nologo"], timeout: TimeSpan.FromMinutes(5));
            Assert.True(pack.ExitCode == 0, pack.ToString());
        }

        foreach (var project in Projects)
        {
            using var package = ZipFile.OpenRead(Path.Combine(feed, $"{project}.{version}.nupkg"));
            var names = package.Entries.Select(e => e.FullName).ToList();
            Assert.Contains("README.md", names);
            Assert.Contains($"lib/net10.0/{project}.dll", names);
            Assert.Contains($"lib/net10.0/{project}.xml", names);
            await using var nuspecStream = package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open();
            var nuspec = XDocument.Load(nuspecStream);
            XNamespace ns = nuspec.Root!.Name.Namespace;
            var metadata = nuspec.Root.Element(ns + "metadata")!;
            Assert.Equal("README.md", metadata.Element(ns + "readme")?.Value);
            Assert.False(string.IsNullOrWhiteSpace(metadata.Element(ns + "description")?.Value));
            var dependencies = metadata.Descendants(ns + "dependency").ToDictionary(d => d.Attribute("id")!.Value, d => d.Attribute("version")!.Value);
            if (project != "MailKitServer")
            {
                Assert.Equal(version, dependencies["MailKitServer"]);
            }
            else
            {
                Assert.Contains("Microsoft.Extensions.Logging.Abstractions", dependencies.Keys);
            }

            if (project == "MailKitServer.Sieve")
            {
                Assert.Equal(version, dependencies["MailKitServer.Storage.Maildir"]);
            }

            if (project == "MailKitServer.Sieve.PostgreSql")
            {
                // Its own package, so that Sieve users need no Npgsql and PostgreSQL users no Sieve.
                Assert.Equal([version, version], new[] { "MailKitServer.Sieve", "MailKitServer.Storage.PostgreSql" }.Select(d => dependencies[d]));
            }

            if (project == "MailKitServer.Storage.PostgreSql")
            {
                Assert.DoesNotContain("MailKitServer.Sieve", dependencies.Keys);
            }

            if (project == "MailKitServer.Sieve")
            {
                Assert.DoesNotContain("Npgsql", dependencies.Keys);
            }

            if (project == "MailKitServer.Web")
            {
                // ASP.NET Core comes from the shared framework (a framework reference), not from packages.
                Assert.Equal(version, dependencies["MailKitServer.Smtp"]);
                Assert.Contains(metadata.Descendants(ns + "frameworkReference"), f => f.Attribute("name")?.Value == "Microsoft.AspNetCore.App");
                // The inbox's assets are inside the assembly (resource names are in its metadata, the page text in its resources).
                await using var dll = package.GetEntry($"lib/net10.0/{project}.dll")!.Open();
                using var bytes = new MemoryStream();
                await dll.CopyToAsync(bytes);
                var image = System.Text.Encoding.Latin1.GetString(bytes.ToArray());
                Assert.Contains("ui/index.html", image, StringComparison.Ordinal);
                Assert.Contains("<title>MailKitServer</title>", image, StringComparison.Ordinal);
            }

            if (project == "MailKitServer.Testing")
            {
                Assert.Equal([version, version, version], new[] { "MailKitServer.Smtp", "MailKitServer.Pop3", "MailKitServer.Imap" }.Select(d => dependencies[d]));
            }
        }

        var sample = Path.Combine(root, "samples", "PasswordReset", "PasswordReset.Tests");
        var test = await ExternalTool.RunAsync("dotnet", ["test", sample, $"-p:MailKitServerVersion={version}", "--nologo"], timeout: TimeSpan.FromMinutes(5));
        Assert.True(test.ExitCode == 0, test.ToString());
        Assert.Contains("Passed!", test.Stdout, StringComparison.Ordinal);
        Assert.Contains("Passed:     6", test.Stdout, StringComparison.Ordinal);
        var assets = await File.ReadAllTextAsync(Path.Combine(sample, "obj", "project.assets.json"));
        Assert.Contains($"\"MailKitServer.Testing/{version}\"", assets, StringComparison.Ordinal);
        Assert.Contains("\"type\": \"package\"", assets, StringComparison.Ordinal);
    }
}
