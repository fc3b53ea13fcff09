using MailKitServer.Addresses;

namespace MailKitServer.Users;

/// <summary>
/// The user directory seam: who may log in, with which secrets, and where mail for an address goes.
/// Implementations must be safe for concurrent use.
/// </summary>
public interface IUserDirectory
{
    /// <summary>Verifies a user name and password (LOGIN, USER/PASS, SASL PLAIN and LOGIN).</summary>
    /// <param name="userName">The name the client gave.</param>
    /// <param name="password">The password the client gave.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The outcome, with the user id on success.</returns>
    ValueTask<AuthenticationResult> AuthenticateAsync(string userName, string password, CancellationToken cancellationToken);

    /// <summary>Gives the SCRAM-SHA-256 keys of a user (RFC 5802 §3, RFC 7677), so SCRAM works without the plain password.</summary>
    /// <param name="userName">The name the client gave.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The keys, or <see langword="null"/> when the user is unknown or has none.</returns>
    ValueTask<ScramCredentials?> GetScramCredentialsAsync(string userName, CancellationToken cancellationToken);

    /// <summary>Gives the HMAC-MD5 key state that CRAM-MD5 (RFC 2195) needs, or <see langword="null"/> when the directory cannot offer it.</summary>
    /// <param name="userName">The name the client gave.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The key state, or <see langword="null"/>.</returns>
    ValueTask<CramMd5Credentials?> GetCramMd5CredentialsAsync(string userName, CancellationToken cancellationToken);

    /// <summary>Resolves a recipient address through users, aliases, distribution lists, sub-addressing and catch-alls.</summary>
    /// <param name="address">The envelope recipient.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The local mailboxes and remote addresses it expands to, or why it does not resolve.</returns>
    ValueTask<RecipientResolution> ResolveAsync(MailAddress address, CancellationToken cancellationToken);

    /// <summary>Whether mail for a domain is delivered here.</summary>
    /// <param name="domain">A domain name as it appears after the "@", in any case.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see langword="true"/> for a local domain.</returns>
    ValueTask<bool> IsLocalDomainAsync(string domain, CancellationToken cancellationToken);
}
