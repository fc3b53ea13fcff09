using MailKitServer.Addresses;
using MailKitServer.Runtime;
using MailKitServer.Storage.InMemory;
using MailKitServer.Users;
using MailKitServer.Users.InMemory;
using Xunit;

namespace MailKitServer.Tests.Runtime;

/// <summary>
/// The engines keep work on a socket engine's thread only for seams that say they never wait on I/O: ours in memory.
/// Anything else, a user's own seam included, is assumed to block and gets the hop to the thread pool.
/// </summary>
public sealed class BlockingHintTests
{
    [Fact]
    public void In_memory_seams_say_they_do_not_block_and_absent_seams_do_no_work()
    {
        Assert.False(IBlockingHint.Of(null));
        Assert.False(IBlockingHint.Of(new InMemoryUserDirectory()));
        Assert.False(IBlockingHint.Of(new InMemoryMessageStore()));
        Assert.False(IBlockingHint.Of(new InMemoryMessageStore(new InMemoryMessageStoreOptions { QuotaDirectory = new InMemoryUserDirectory() })));
    }

    [Fact]
    public void A_seam_without_the_hint_and_an_in_memory_store_asking_one_are_taken_to_block()
    {
        var own = new OwnDirectory(new InMemoryUserDirectory());
        Assert.True(IBlockingHint.Of(own));
        Assert.True(IBlockingHint.Of(new object()));
        Assert.True(IBlockingHint.Of(new InMemoryMessageStore(new InMemoryMessageStoreOptions { QuotaDirectory = own })));
    }

    /// <summary>A user's own directory (here over the in-memory one): nothing says it does not wait on a database.</summary>
    private sealed class OwnDirectory(InMemoryUserDirectory inner) : IQuotaUserDirectory
    {
        public ValueTask<AuthenticationResult> AuthenticateAsync(string userName, string password, CancellationToken cancellationToken) => inner.AuthenticateAsync(userName, password, cancellationToken);

        public ValueTask<ScramCredentials?> GetScramCredentialsAsync(string userName, CancellationToken cancellationToken) => inner.GetScramCredentialsAsync(userName, cancellationToken);

        public ValueTask<CramMd5Credentials?> GetCramMd5CredentialsAsync(string userName, CancellationToken cancellationToken) => inner.GetCramMd5CredentialsAsync(userName, cancellationToken);

        public ValueTask<RecipientResolution> ResolveAsync(MailAddress address, CancellationToken cancellationToken) => inner.ResolveAsync(address, cancellationToken);

        public ValueTask<bool> IsLocalDomainAsync(string domain, CancellationToken cancellationToken) => inner.IsLocalDomainAsync(domain, cancellationToken);

        public ValueTask<UserQuota?> GetQuotaAsync(string userId, CancellationToken cancellationToken) => inner.GetQuotaAsync(userId, cancellationToken);
    }
}
