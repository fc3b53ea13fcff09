using MailKitServer.Hosting;
using MailKitServer.Smtp;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

// A namespace of its own, as in an application: under MailKitServer.Interop.Tests, "Host" would name the Host/ test folder.
namespace ReadmeSnippets;

/// <summary>The README's dependency injection snippet (between the README markers), compiled and run by <c>ReadmeTests</c>.</summary>
internal static class HostedWithDependencyInjection
{
    public static async Task<string> RunAsync()
    {
        // README begin
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddMailKitServer(mail => mail.AddSmtp(port: 0).AddSubmission(port: 0));
        using var host = builder.Build();
        await host.StartAsync();
        var server = host.Services.GetRequiredService<MailServerHost>().Server!;   // set once the host has started
        Console.WriteLine(server.GetEndpoint("smtp").EndPoint);                    // 127.0.0.1:<free port>
        // README end
        var greeting = await MailKitServer.Interop.Tests.Readme.ReadmeTests.GreetingAsync(server.GetEndpoint("smtp").EndPoint);
        await host.StopAsync();
        return greeting;
    }
}
