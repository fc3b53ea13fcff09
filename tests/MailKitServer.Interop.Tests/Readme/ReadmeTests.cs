using System.Net;
using System.Text;
using MailKitServer.TestSupport;
using ReadmeSnippets;

namespace MailKitServer.Interop.Tests.Readme;

/// <summary>
/// The C# snippets of README.md are these files: each README block is the file's using lines and the lines between
/// its README markers, and the snippet runs (a server that answers on the port it prints).
/// </summary>
public class ReadmeTests
{
    [Theory]
    [InlineData("SmtpInFiveLines.cs")]
    [InlineData("HostedWithDependencyInjection.cs")]
    public async Task The_readme_shows_the_snippet_exactly_as_it_compiles(string file)
    {
        var root = RepositoryRoot();
        var readme = (await File.ReadAllTextAsync(Path.Combine(root, "README.md"))).ReplaceLineEndings("\n");
        var source = (await File.ReadAllLinesAsync(Path.Combine(root, "tests", "MailKitServer.Interop.Tests", "Readme", file))).ToList();
        var block = new StringBuilder("```csharp\n");
        foreach (var line in source.TakeWhile(l => l.StartsWith("using ", StringComparison.Ordinal)))
        {
            block.Append(line).Append('\n');
        }

        block.Append('\n');
        var begin = source.FindIndex(l => l.Trim() == "// README begin");
        var end = source.FindIndex(l => l.Trim() == "// README end");
        Assert.True(begin > 0 && end > begin, $"{file} has no README markers");
        var indent = source[begin].IndexOf('/', StringComparison.Ordinal);
        foreach (var line in source.Skip(begin + 1).Take(end - begin - 1))
        {
            block.Append(line.Length >= indent ? line[indent..] : line.TrimStart()).Append('\n');
        }

        block.Append("```\n");
        Assert.Contains(block.ToString(), readme, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_smtp_snippet_runs_a_server()
    {
        Assert.StartsWith("220 ", await SmtpInFiveLines.RunAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_dependency_injection_snippet_runs_a_server_and_finds_its_port()
    {
        Assert.StartsWith("220 ", await HostedWithDependencyInjection.RunAsync(), StringComparison.Ordinal);
    }

    /// <summary>The first line a server sends on <paramref name="endPoint"/>.</summary>
    internal static async Task<string> GreetingAsync(IPEndPoint endPoint)
    {
        await using var client = await LineClient.ConnectAsync(endPoint);
        return string.Join("", await client.ReadReplyAsync());
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MailKitServer.sln")))
        {
            dir = dir.Parent;
        }

        return dir!.FullName;
    }
}
