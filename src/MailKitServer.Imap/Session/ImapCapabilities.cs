using MailKitServer.Runtime;
using MailKitServer.Sasl;
using MailKitServer.Storage;

namespace MailKitServer.Imap.Session;

/// <summary>The CAPABILITY list (RFC 9051 §7.2.2): what every session offers, plus what depends on the connection's state.</summary>
internal static class ImapCapabilities
{
    /// <summary>The capabilities of a session, as the CAPABILITY response and response code list them.</summary>
    /// <param name="options">The listener's options.</param>
    /// <param name="connection">The connection (TLS decides STARTTLS, LOGINDISABLED and the SASL mechanisms).</param>
    /// <param name="authenticated">Whether the session has logged in (the login-only capabilities go then).</param>
    /// <param name="account">The logged-in account (what its store keeps decides OBJECTID), or null.</param>
    /// <param name="acl">Whether the store keeps access control lists (ACL, RIGHTS= and LIST-MYRIGHTS, RFC 4314, RFC 8440).</param>
    /// <returns>The space-separated list.</returns>
    public static string For(ImapOptions options, MailConnection connection, bool authenticated, IMailAccount? account, bool acl = false)
    {
        var caps = new List<string>
        {
            "IMAP4rev1", "IMAP4rev2", options.LiteralPlus ? "LITERAL+" : "LITERAL-", "UTF8=ACCEPT", "SASL-IR", "ID", "ENABLE", "IDLE",
            "NAMESPACE", "UNSELECT", "UIDPLUS", "MOVE", "CHILDREN", "SPECIAL-USE", "CREATE-SPECIAL-USE", "LIST-EXTENDED", "LIST-STATUS",
            "ESEARCH", "SEARCHRES", "SORT", "SORT=DISPLAY", "ESORT", "THREAD=ORDEREDSUBJECT", "THREAD=REFERENCES", "CONTEXT=SEARCH", "CONTEXT=SORT", "NOTIFY", "BINARY", "STATUS=SIZE", "MULTIAPPEND", "CATENATE", $"APPENDLIMIT={options.AppendLimit}",
            "CONDSTORE", "QRESYNC", "SAVEDATE", "WITHIN", "REPLACE", "PREVIEW", "PARTIAL", "UIDONLY",
        };
        if (acl)
        {
            // RFC 4314 §5.1.1: RIGHTS= lists the rights beyond RFC 2086's.
            caps.AddRange(["ACL", "RIGHTS=" + MailKitServer.Storage.Acl.MailboxRightsText.Extra, "LIST-MYRIGHTS"]);
        }

        if (authenticated)
        {
            // RFC 8437 §3 allows UNAUTHENTICATE to show only once logged in; OBJECTID depends on the account's store.
            caps.Add("UNAUTHENTICATE");
            if (!connection.IsCompressed)
            {
                // RFC 4978: COMPRESS is valid once logged in, and only once.
                caps.Add("COMPRESS=DEFLATE");
            }
            if (ObjectIds.MailboxIds.Supported(account))
            {
                caps.Add("OBJECTID");
            }

            if (Metadata.MetadataTarget.Supported(account))
            {
                // RFC 5464 §1: METADATA covers server and mailbox annotations (METADATA-SERVER is for server-only).
                caps.Add("METADATA");
            }

            if (Quota.QuotaRoots.Supported(account))
            {
                // RFC 9208 §3.1: QUOTA with its resources; QUOTASET since SETQUOTA is there (for administrators).
                caps.AddRange(["QUOTA", "QUOTA=RES-STORAGE", "QUOTA=RES-MESSAGE", "QUOTASET"]);
            }
        }

        if (!authenticated)
        {
            if (options.EnableStartTls && !connection.IsSecure)
            {
                caps.Add("STARTTLS");
            }

            if (!SaslMechanisms.AllowsPlainText(connection))
            {
                caps.Add("LOGINDISABLED");
            }

            caps.AddRange(SaslMechanisms.Advertised(connection).Select(m => "AUTH=" + m));
        }

        return string.Join(' ', caps);
    }
}
