using MailKitServer.Addresses;
using MailKitServer.Storage;
using MailKitServer.Users;

namespace CustomStore;

/// <summary>The whole IUserDirectory seam: users of one domain with plain passwords (a sample; keep hashes in real code).</summary>
public sealed class SingleDomainDirectory(string domain, IReadOnlyDictionary<string, string> passwords) : IUserDirectory
{
    public ValueTask<AuthenticationResult> AuthenticateAsync(string userName, string password, CancellationToken cancellationToken) =>
        ValueTask.FromResult(passwords.TryGetValue(userName, out var p) && p == password ? new AuthenticationResult(true, userName.ToLowerInvariant()) : new AuthenticationResult(false, null));

    /// <summary>No SCRAM or CRAM-MD5 keys: those mechanisms are simply not offered.</summary>
    public ValueTask<ScramCredentials?> GetScramCredentialsAsync(string userName, CancellationToken cancellationToken) => ValueTask.FromResult<ScramCredentials?>(null);

    public ValueTask<CramMd5Credentials?> GetCramMd5CredentialsAsync(string userName, CancellationToken cancellationToken) => ValueTask.FromResult<CramMd5Credentials?>(null);

    public ValueTask<bool> IsLocalDomainAsync(string name, CancellationToken cancellationToken) => ValueTask.FromResult(name.Equals(domain, StringComparison.OrdinalIgnoreCase));

    public ValueTask<RecipientResolution> ResolveAsync(MailAddress address, CancellationToken cancellationToken) => ValueTask.FromResult(
        !address.Domain.Equals(domain, StringComparison.OrdinalIgnoreCase) ? RecipientResolution.NotLocal
        : passwords.ContainsKey(address.Address) ? new RecipientResolution(RecipientStatus.Resolved, [new MailboxTarget(address.Address.ToLowerInvariant())], [])
        : RecipientResolution.UnknownUser);
}
