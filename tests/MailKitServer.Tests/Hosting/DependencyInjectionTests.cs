using System.Net;
using MailKitServer.Users;
using MailKitServer.Users.InMemory;
using MailKitServer.Hosting;
using MailKitServer.Runtime;
using MailKitServer.TestSupport;
using MailKitServer.Tests.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace MailKitServer.Tests.Hosting;

public class DependencyInjectionTests
{
    [Fact]
    public async Task AddMailKitServer_runs_the_server_as_a_hosted_service_with_seams_from_the_container()
    {
        var directory = new InMemoryUserDirectory();
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSingleton<IUserDirectory>(directory);
        builder.Services.AddMailKitServer(mail => mail
            .AddListener(new ListenerDefinition("echo", new IPEndPoint(IPAddress.Loopback, 0), TlsMode.None, _ => new EchoHandler())));
        using var host = builder.Build();
        await host.StartAsync();
        var server = host.Services.GetRequiredService<MailServerHost>().Server!;
        Assert.Same(directory, server.Context.Directory);
        await using (var client = await LineClient.ConnectAsync(server.GetEndpoint("echo").EndPoint))
        {
            Assert.Equal("HELLO", await client.ReadLineAsync());
        }

        await host.StopAsync();
        Assert.Equal(0, server.ActiveConnections);
    }
}
