using MailKitServer.Addresses;
using MailKitServer.Sasl;
using MailKitServer.Storage;
using MailKitServer.Users;
using MailKitServer.Users.InMemory;

namespace MailKitServer.Testing.Capture;

/// <summary>
/// The sandbox's users: those added by the test, and, when the sandbox accepts every recipient, a mailbox for any
/// address at all (named by the address in lower case, so a user added later reads what arrived before).
/// </summary>
internal sealed class SandboxDirectory(InMemoryUserDirectory users, bool acceptAll) : IUserDirectory, Runtime.IBlockingHint
{
    /// <summary>In memory, as the users it wraps: never blocks.</summary>
    bool Runtime.IBlockingHint.MayBlock => false;

    public ValueTask<AuthenticationResult> AuthenticateAsync(string userName, string password, CancellationToken cancellationToken) => users.AuthenticateAsync(userName, password, cancellationToken);

    public ValueTask<ScramCredentials?> GetScramCredentialsAsync(string userName, CancellationToken cancellationToken) => users.GetScramCredentialsAsync(userName, cancellationToken);

    public ValueTask<CramMd5Credentials?> GetCramMd5CredentialsAsync(string userName, CancellationToken cancellationToken) => users.GetCramMd5CredentialsAsync(userName, cancellationToken);

    public async ValueTask<bool> IsLocalDomainAsync(string domain, CancellationToken cancellationToken) =>
        acceptAll || await users.IsLocalDomainAsync(domain, cancellationToken).ConfigureAwait(false);

    public async ValueTask<RecipientResolution> ResolveAsync(MailAddress address, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(address);
        var resolution = await users.ResolveAsync(address, cancellationToken).ConfigureAwait(false);
        return acceptAll && resolution.Status is RecipientStatus.NotLocal or RecipientStatus.UnknownUser
            ? new RecipientResolution(RecipientStatus.Resolved, [new MailboxTarget(address.Address.ToLowerInvariant())], [])
            : resolution;
    }
}
