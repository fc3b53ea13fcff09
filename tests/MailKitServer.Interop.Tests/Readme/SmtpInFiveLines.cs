using MailKitServer.Runtime;
using MailKitServer.Smtp;
using MailKitServer.Users.InMemory;

// A namespace of its own, as in an application: under MailKitServer.Interop.Tests, "Host" would name the Host/ test folder.
namespace ReadmeSnippets;

/// <summary>The README's "Embedding an SMTP server in five lines" (between the README markers), compiled and run by <c>ReadmeTests</c>.</summary>
internal static class SmtpInFiveLines
{
    public static async Task<string> RunAsync()
    {
        // README begin
        var users = new InMemoryUserDirectory();
        users.AddUser("alice@example.test", "secret");
        await using var server = await MailServer.CreateBuilder().UseDirectory(users)
            .AddSmtp(port: 0).AddSubmission(port: 0).StartAsync();
        Console.WriteLine(server.GetEndpoint("smtp").EndPoint);   // 127.0.0.1:<free port>
        // README end
        return await MailKitServer.Interop.Tests.Readme.ReadmeTests.GreetingAsync(server.GetEndpoint("smtp").EndPoint);
    }
}
