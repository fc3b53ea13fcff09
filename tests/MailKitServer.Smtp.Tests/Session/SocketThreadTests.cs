using System.Collections.Concurrent;
using MailKitServer.Addresses;
using MailKitServer.Policy;
using MailKitServer.Sasl;
using MailKitServer.Smtp.Screening;
using MailKitServer.Smtp.Screening.Greylisting;
using MailKitServer.Storage;
using MailKitServer.TestSupport;
using MailKitServer.Users;
using MailKitServer.Users.InMemory;

namespace MailKitServer.Smtp.Tests.Session;

/// <summary>
/// With inline socket completions a session runs where its read completed, on a socket engine's thread; the policy,
/// directory and greylist store of the embedding application (a database, a file) must then be called from the pool. Each
/// seam here resumes the session on a thread of its own, so the next pipelined command starts off the pool.
/// </summary>
public class SocketThreadTests
{
    [Fact]
    public async Task An_own_policy_is_asked_for_each_envelope_stage_on_the_thread_pool()
    {
        // HELO's answer resumes the session on a thread of its own once MAIL and RCPT are in the server's socket, so
        // they are read there at once, as the rest of a pipelined group is on a socket engine's thread.
        var sent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var policy = new ThreadRecordingPolicy(sent.Task);
        await using var server = await TestMailServer.StartAsync(configure: b => b.UsePolicy(policy));
        await using var client = await LineClient.ConnectAsync(server.Smtp);
        Assert.StartsWith("220 ", (await client.ReadReplyAsync())[^1], StringComparison.Ordinal);
        await client.SendAsync("EHLO client.test\r\n");
        await client.SendAsync("MAIL FROM:<sender@remote.test>\r\nRCPT TO:<alice@example.test>\r\n");
        sent.SetResult();
        Assert.StartsWith("250 ", (await client.ReadReplyAsync())[^1], StringComparison.Ordinal);
        Assert.Equal("250 2.1.0 Ok", await client.ReadLineAsync());
        Assert.Equal("250 2.1.5 Ok", await client.ReadLineAsync());
        Assert.Equal(["MAIL on pool: True", "RCPT on pool: True"], policy.Stages);
    }

    [Fact]
    public async Task An_own_directory_resolves_each_recipient_on_the_thread_pool()
    {
        var sent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var directory = new ThreadRecordingDirectory(sent.Task);
        directory.Users.AddUser("alice@example.test", "alice-pw");
        directory.Users.AddUser("bob@example.test", "bob-pw");
        await using var server = await TestMailServer.StartAsync(configure: b => b.UseDirectory(directory));
        await using var client = await LineClient.ConnectAsync(server.Smtp);
        await client.ReadReplyAsync();
        Assert.StartsWith("250", await client.CommandAsync("EHLO client.test"), StringComparison.Ordinal);
        await client.SendAsync("MAIL FROM:<sender@remote.test>\r\nRCPT TO:<alice@example.test>\r\nRCPT TO:<bob@example.test>\r\n");
        sent.SetResult();
        Assert.Equal("250 2.1.0 Ok", await client.ReadLineAsync());
        Assert.Equal("250 2.1.5 Ok", await client.ReadLineAsync());
        Assert.Equal("250 2.1.5 Ok", await client.ReadLineAsync());
        Assert.Equal(["alice@example.test on pool: True", "bob@example.test on pool: True"], directory.Resolved);
    }

    [Fact]
    public async Task Greylisting_records_in_a_store_of_the_applications_own_are_looked_up_on_the_thread_pool()
    {
        // The default policy and an in-memory directory, but greylisting records kept elsewhere (a file, a database).
        // The client's network has passed before, so each recipient passes after one lookup.
        var sent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var store = new ThreadRecordingGreylistStore(sent.Task);
        var now = DateTimeOffset.UtcNow;
        await store.Records.SaveAsync(new GreylistEntry("C 127.0.0.0/24", now.AddHours(-1), now.AddHours(-1), 1, now.AddDays(1)), default);
        var screening = new ScreeningOptions { Greylisting = new GreylistOptions { Store = store, ClientPassesToSkip = 1 } };
        await using var server = await TestMailServer.StartAsync(smtp: o => o.Screening = screening);
        await using var client = await LineClient.ConnectAsync(server.Smtp);
        await client.ReadReplyAsync();
        Assert.StartsWith("250", await client.CommandAsync("EHLO client.test"), StringComparison.Ordinal);
        await client.SendAsync("MAIL FROM:<sender@remote.test>\r\nRCPT TO:<alice@example.test>\r\nRCPT TO:<bob@example.test>\r\n");
        sent.SetResult();
        Assert.Equal("250 2.1.0 Ok", await client.ReadLineAsync());
        Assert.Equal("250 2.1.5 Ok", await client.ReadLineAsync());
        Assert.Equal("250 2.1.5 Ok", await client.ReadLineAsync());
        Assert.Equal(["C 127.0.0.0/24 on pool: True", "C 127.0.0.0/24 on pool: True"], store.Lookups);
    }

    /// <summary>Records where MAIL and RCPT are asked, and resumes the session off the pool after HELO (once the client sent the rest) and MAIL.</summary>
    private sealed class ThreadRecordingPolicy(Task sent) : DeliveryPolicy
    {
        public ConcurrentQueue<string> Stages { get; } = new();

        public override ValueTask<PolicyVerdict> OnHeloAsync(SessionInfo session, string heloName, CancellationToken cancellationToken) =>
            new ContinuesOnOwnThread<PolicyVerdict>(PolicyVerdict.Accept, sent).Task;

        public override ValueTask<PolicyVerdict> OnMailFromAsync(SessionInfo session, MailFromRequest request, CancellationToken cancellationToken)
        {
            Stages.Enqueue($"MAIL on pool: {Thread.CurrentThread.IsThreadPoolThread}");
            return new ContinuesOnOwnThread<PolicyVerdict>(PolicyVerdict.Accept).Task;
        }

        public override ValueTask<RecipientVerdict> OnRecipientAsync(SessionInfo session, RecipientRequest request, CancellationToken cancellationToken)
        {
            Stages.Enqueue($"RCPT on pool: {Thread.CurrentThread.IsThreadPoolThread}");
            return base.OnRecipientAsync(session, request, cancellationToken);
        }
    }

    /// <summary>An application's own directory (no hint that it keeps to memory): resumes the session off the pool after each recipient, once the client sent the rest.</summary>
    private sealed class ThreadRecordingDirectory(Task sent) : IUserDirectory
    {
        public InMemoryUserDirectory Users { get; } = new();

        public ConcurrentQueue<string> Resolved { get; } = new();

        public ValueTask<AuthenticationResult> AuthenticateAsync(string userName, string password, CancellationToken cancellationToken) => Users.AuthenticateAsync(userName, password, cancellationToken);

        public ValueTask<ScramCredentials?> GetScramCredentialsAsync(string userName, CancellationToken cancellationToken) => Users.GetScramCredentialsAsync(userName, cancellationToken);

        public ValueTask<CramMd5Credentials?> GetCramMd5CredentialsAsync(string userName, CancellationToken cancellationToken) => Users.GetCramMd5CredentialsAsync(userName, cancellationToken);

        public ValueTask<bool> IsLocalDomainAsync(string domain, CancellationToken cancellationToken) => Users.IsLocalDomainAsync(domain, cancellationToken);

        public ValueTask<RecipientResolution> ResolveAsync(MailAddress address, CancellationToken cancellationToken)
        {
            Resolved.Enqueue($"{address.Address} on pool: {Thread.CurrentThread.IsThreadPoolThread}");
            var resolution = Users.ResolveAsync(address, cancellationToken);
            Assert.True(resolution.IsCompletedSuccessfully);
            return new ContinuesOnOwnThread<RecipientResolution>(resolution.Result, sent).Task;
        }
    }

    /// <summary>Greylisting records of the application's own (no hint that they keep to memory): a lookup resumes the session off the pool, once the client sent the rest.</summary>
    private sealed class ThreadRecordingGreylistStore(Task sent) : IGreylistStore
    {
        public InMemoryGreylistStore Records { get; } = new();

        public ConcurrentQueue<string> Lookups { get; } = new();

        public ValueTask<GreylistEntry?> FindAsync(string key, CancellationToken cancellationToken)
        {
            Lookups.Enqueue($"{key} on pool: {Thread.CurrentThread.IsThreadPoolThread}");
            var found = Records.FindAsync(key, cancellationToken);
            Assert.True(found.IsCompletedSuccessfully);
            return new ContinuesOnOwnThread<GreylistEntry?>(found.Result, sent).Task;
        }

        public ValueTask SaveAsync(GreylistEntry entry, CancellationToken cancellationToken) => Records.SaveAsync(entry, cancellationToken);
    }
}
