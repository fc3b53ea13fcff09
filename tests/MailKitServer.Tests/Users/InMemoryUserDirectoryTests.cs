using MailKitServer.Addresses;
using MailKitServer.Users;
using MailKitServer.Users.InMemory;

namespace MailKitServer.Tests.Users;

public class InMemoryUserDirectoryTests
{
    private static MailAddress A(string s) => MailAddress.TryParse(s, true, out var a) ? a : throw new FormatException(s);

    [Fact]
    public async Task Passwords_are_verified_against_derived_keys()
    {
        var d = new InMemoryUserDirectory();
        var id = d.AddUser("Alice@Example.test", "s3cret");
        Assert.Equal("alice@example.test", id);
        Assert.True((await d.AuthenticateAsync("alice@example.test", "s3cret", default)).Succeeded);
        Assert.False((await d.AuthenticateAsync("alice@example.test", "S3cret", default)).Succeeded);
        Assert.False((await d.AuthenticateAsync("nobody@example.test", "s3cret", default)).Succeeded);
        var scram = await d.GetScramCredentialsAsync("alice@example.test", default);
        Assert.Equal(32, scram!.StoredKey.Length);
        Assert.True(await d.IsLocalDomainAsync("EXAMPLE.test", default));
    }

    [Fact]
    public async Task Aliases_nest_into_distribution_lists_and_forward_remotely()
    {
        var d = new InMemoryUserDirectory();
        d.AddUser("alice@example.test", "a");
        d.AddUser("bob@example.test", "b");
        d.AddAlias("team@example.test", "alice@example.test", "devs@example.test");
        d.AddAlias("devs@example.test", "bob@example.test", "alice@example.test", "carol@elsewhere.test");
        var r = await d.ResolveAsync(A("team@example.test"), default);
        Assert.Equal(RecipientStatus.Resolved, r.Status);
        Assert.Equal(["alice@example.test", "bob@example.test"], r.Mailboxes.Select(m => m.UserId).Order());
        Assert.Equal("carol@elsewhere.test", Assert.Single(r.RemoteAddresses).Address);
    }

    [Fact]
    public async Task Alias_loops_are_detected()
    {
        var d = new InMemoryUserDirectory();
        d.AddAlias("a@example.test", "b@example.test");
        d.AddAlias("b@example.test", "a@example.test");
        Assert.Equal(RecipientStatus.Loop, (await d.ResolveAsync(A("a@example.test"), default)).Status);

        // A loop that also reaches a user still delivers to the user, once.
        d.AddUser("u@example.test", "p");
        d.AddAlias("c@example.test", "u@example.test", "d@example.test");
        d.AddAlias("d@example.test", "c@example.test", "u@example.test");
        var r = await d.ResolveAsync(A("c@example.test"), default);
        Assert.Equal("u@example.test", Assert.Single(r.Mailboxes).UserId);
    }

    [Fact]
    public async Task Sub_addressing_catch_all_and_unknown_users()
    {
        var d = new InMemoryUserDirectory();
        d.AddUser("alice@example.test", "a");
        Assert.Equal("alice@example.test", Assert.Single((await d.ResolveAsync(A("alice+news@example.test"), default)).Mailboxes).UserId);
        Assert.Equal(RecipientStatus.UnknownUser, (await d.ResolveAsync(A("zed@example.test"), default)).Status);
        Assert.Equal(RecipientStatus.NotLocal, (await d.ResolveAsync(A("alice@other.test"), default)).Status);
        d.SetCatchAll("example.test", "alice@example.test");
        Assert.Equal("alice@example.test", Assert.Single((await d.ResolveAsync(A("zed@example.test"), default)).Mailboxes).UserId);
    }
}
