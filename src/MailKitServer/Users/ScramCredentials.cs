using System.Security.Cryptography;
using System.Text;

namespace MailKitServer.Users;

/// <summary>
/// The keys SCRAM-SHA-256 needs (RFC 5802 §3): the salt, the iteration count, StoredKey and ServerKey. Storing these
/// instead of a password is also how the in-memory directory hashes passwords: SaltedPassword is PBKDF2-HMAC-SHA-256.
/// </summary>
/// <param name="UserId">The user id.</param>
/// <param name="Salt">The salt.</param>
/// <param name="Iterations">The PBKDF2 iteration count (RFC 7677: at least 4096).</param>
/// <param name="StoredKey">H(ClientKey).</param>
/// <param name="ServerKey">HMAC(SaltedPassword, "Server Key").</param>
public sealed record ScramCredentials(string UserId, byte[] Salt, int Iterations, byte[] StoredKey, byte[] ServerKey)
{
    /// <summary>Derives the keys from a password.</summary>
    /// <param name="userId">The user id.</param>
    /// <param name="password">The password (normalised with NFKC, close to SASLprep, RFC 4013).</param>
    /// <param name="salt">The salt, or <see langword="null"/> for 16 random bytes.</param>
    /// <param name="iterations">The iteration count.</param>
    /// <returns>The credentials.</returns>
    public static ScramCredentials Derive(string userId, string password, byte[]? salt = null, int iterations = 4096)
    {
        ArgumentNullException.ThrowIfNull(password);
        salt ??= RandomNumberGenerator.GetBytes(16);
        var salted = SaltedPassword(password, salt, iterations);
        var clientKey = HMACSHA256.HashData(salted, "Client Key"u8);
        return new ScramCredentials(userId, salt, iterations, SHA256.HashData(clientKey), HMACSHA256.HashData(salted, "Server Key"u8));
    }

    /// <summary>Checks a plain password against the stored keys in constant time.</summary>
    /// <param name="password">The password to check.</param>
    /// <returns><see langword="true"/> when it matches.</returns>
    public bool Verify(string password)
    {
        var salted = SaltedPassword(password, Salt, Iterations);
        var clientKey = HMACSHA256.HashData(salted, "Client Key"u8);
        return CryptographicOperations.FixedTimeEquals(SHA256.HashData(clientKey), StoredKey);
    }

    /// <summary>Hi(Normalize(password), salt, i) of RFC 5802 §2.2: PBKDF2 with HMAC-SHA-256.</summary>
    /// <param name="password">The password in clear; normalised with NFKC (close to SASLprep, RFC 4013) before hashing.</param>
    /// <param name="salt">The user's random salt, as sent to the client in the server-first message.</param>
    /// <param name="iterations">The iteration count.</param>
    /// <returns>SaltedPassword.</returns>
    public static byte[] SaltedPassword(string password, byte[] salt, int iterations) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password.Normalize(NormalizationForm.FormKC)), salt, iterations, HashAlgorithmName.SHA256, 32);
}
