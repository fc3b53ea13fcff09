namespace MailKitServer.Users.InMemory;

/// <summary>Options of the <see cref="InMemoryUserDirectory"/>.</summary>
public sealed class InMemoryUserDirectoryOptions
{
    /// <summary>The PBKDF2 iteration count for new passwords (RFC 7677 asks at least 4096).</summary>
    public int PasswordIterations { get; set; } = 4096;

    /// <summary>
    /// Whether to keep the HMAC-MD5 key state that CRAM-MD5 needs. It is password-equivalent for CRAM-MD5, so hosts
    /// that do not offer CRAM-MD5 can turn it off.
    /// </summary>
    public bool KeepCramMd5Keys { get; set; } = true;

    /// <summary>The sub-address separator: <c>user+tag@domain</c> delivers to <c>user@domain</c>. <see langword="null"/> turns it off.</summary>
    public char? SubAddressSeparator { get; set; } = '+';

    /// <summary>The deepest alias expansion followed before giving up (loops are also detected directly).</summary>
    public int MaxAliasDepth { get; set; } = 16;
}
