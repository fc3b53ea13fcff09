namespace MailKitServer.Users;

/// <summary>
/// The HMAC-MD5 key state CRAM-MD5 needs (RFC 2195, RFC 2104): the MD5 chaining values after the inner and the
/// outer padded key block. Holding these is not holding the password, though it allows CRAM-MD5 logins, as with
/// Dovecot's CRAM-MD5 scheme.
/// </summary>
/// <param name="UserId">The user id.</param>
/// <param name="InnerState">MD5 state (16 octets) after compressing key XOR ipad.</param>
/// <param name="OuterState">MD5 state (16 octets) after compressing key XOR opad.</param>
public sealed record CramMd5Credentials(string UserId, byte[] InnerState, byte[] OuterState)
{
    /// <summary>Derives the key state from a password.</summary>
    /// <param name="userId">The user id.</param>
    /// <param name="password">The password in clear; its UTF-8 octets are the HMAC-MD5 key (RFC 2195).</param>
    /// <returns>The credentials.</returns>
    public static CramMd5Credentials Derive(string userId, string password)
    {
        var (inner, outer) = Sasl.HmacMd5State.Derive(System.Text.Encoding.UTF8.GetBytes(password));
        return new CramMd5Credentials(userId, inner, outer);
    }
}
