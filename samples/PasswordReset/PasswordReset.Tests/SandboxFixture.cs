using MailKitServer.Testing;

namespace PasswordReset.Tests;

/// <summary>One sandbox for a whole test class (xunit class fixture); each test purges what the last one left.</summary>
public sealed class SandboxFixture : IAsyncLifetime
{
    public MailSandbox Mail { get; private set; } = null!;

    public async Task InitializeAsync() => Mail = await MailSandbox.StartAsync(o => o.Users.Add(("bob@customer.test", "bob-pw")));

    public async Task DisposeAsync() => await Mail.DisposeAsync();
}
