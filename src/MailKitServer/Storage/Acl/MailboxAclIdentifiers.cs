namespace MailKitServer.Storage.Acl;

/// <summary>The identifiers with a meaning of their own in a <see cref="MailboxAclEntry"/> (RFC 4314 §2).</summary>
public static class MailboxAclIdentifiers
{
    /// <summary>Every user (RFC 4314 reserves it for the universal identity).</summary>
    public const string Anyone = "anyone";

    /// <summary>Every user that logged in (Dovecot's and Cyrus's name for it).</summary>
    public const string Authenticated = "authenticated";

    /// <summary>The prefix of a group: <c>$</c> and the address of a distribution list of the directory.</summary>
    public const string GroupPrefix = "$";

    /// <summary>The prefix of a negative entry (RFC 4314 §2): its rights are removed from whom the rest names.</summary>
    public const string NegativePrefix = "-";
}
