namespace MailKitServer.Imap;

/// <summary>Options of one IMAP listener.</summary>
public sealed class ImapOptions
{
    /// <summary>The longest command line, counting CRLF (RFC 7162 §4 asks 8192 at least).</summary>
    public int MaxLineLength { get; set; } = 64 * 1024;

    /// <summary>The largest literal in commands other than APPEND.</summary>
    public int MaxLiteralSize { get; set; } = 64 * 1024;

    /// <summary>
    /// The user ids that administer the public folder tree (the <c>Shared/</c> namespace of a store that keeps access
    /// control lists): they have every right on every public folder, create the top-level ones and set their lists.
    /// Everyone else gets what those lists grant. Empty by default: no public folder can be made over IMAP.
    /// </summary>
    public IList<string> PublicFolderAdministrators { get; } = [];

    /// <summary>The largest message APPEND accepts (RFC 7889 APPENDLIMIT).</summary>
    public long AppendLimit { get; set; } = 50L * 1024 * 1024;

    /// <summary>The autologout timer once logged in (RFC 9051 §5.4: at least 30 minutes), also the longest IDLE.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// The autologout timer before login (RFC 9051 §5.4 allows a shorter one for an unauthenticated connection), also
    /// the longest one command line may take then.
    /// </summary>
    public TimeSpan PreLoginTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The longest one command line may take from its first octet to its end once logged in (literals are timed on
    /// their own): a client sending a byte a minute is logged out with BYE.
    /// </summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The longest one literal (an APPENDed message, say) may take to arrive.</summary>
    public TimeSpan LiteralTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How many BAD commands before authentication close the connection (cross-protocol attacks).</summary>
    public int MaxBadCommandsBeforeAuthentication { get; set; } = 3;

    /// <summary>
    /// The user ids that may set quota limits with IMAP SETQUOTA (RFC 9208 §4.1.3) and read any user's quota root
    /// (named by the user id). Empty by default: nobody sets limits over IMAP.
    /// </summary>
    public ICollection<string> QuotaAdministrators { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>
    /// The user ids that may set the server's shared annotations with IMAP SETMETADATA "" (RFC 5464 §3.3 lets a
    /// server restrict them). Empty by default: everyone may read them, nobody sets them over IMAP. Private server
    /// annotations and mailbox annotations are not restricted by this.
    /// </summary>
    public ICollection<string> ServerMetadataAdministrators { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>The largest annotation value SETMETADATA accepts (RFC 5464 §4.3 "[METADATA MAXSIZE n]"; at least 1,024).</summary>
    public int MetadataMaxValueSize { get; set; } = 16 * 1024;

    /// <summary>
    /// The most annotations one user may see on one mailbox, or on the server: shared ones and the user's own private
    /// ones together (RFC 5464 §4.3 "[METADATA TOOMANY]"; at least 10).
    /// </summary>
    public int MetadataMaxEntries { get; set; } = 100;

    /// <summary>
    /// How to reach the server's administrator: an absolute URI such as <c>mailto:postmaster@example.test</c> or a
    /// <c>tel:</c> URL, given to clients as the read-only server annotation <c>/shared/admin</c> (RFC 5464 §3.2.1.1)
    /// when METADATA is offered. <see langword="null"/> (the default): no such entry. SETMETADATA never changes it.
    /// </summary>
    public Uri? AdministratorContact { get; set; }

    /// <summary>How many BAD commands after authentication close the connection.</summary>
    public int MaxBadCommands { get; set; } = 50;

    /// <summary>Whether STARTTLS is offered on plain connections.</summary>
    public bool EnableStartTls { get; set; } = true;

    /// <summary>
    /// Whether non-synchronizing literals of any size (up to the limits) are accepted and LITERAL+ is advertised
    /// (RFC 7888 §3). When false, LITERAL- is advertised instead: non-synchronizing literals over 4,096 octets are
    /// refused (RFC 7888 §4), as IMAP4rev2 requires of every server.
    /// </summary>
    public bool LiteralPlus { get; set; } = true;

    /// <summary>
    /// How much memory (octets, estimated) the parsed message structures (for ENVELOPE, BODYSTRUCTURE and sections)
    /// that this listener keeps for all its sessions may hold; the least recently used go first. 0 keeps none.
    /// Messages' top-level header blocks (for ENVELOPE and header SEARCH keys) are kept beside them in half as much
    /// again, counted exactly, and their formatted ENVELOPE answers in a quarter as much again.
    /// </summary>
    public long StructureCacheBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>
    /// The most memory (octets, estimated) one message's structure may hold and still be cached; a larger one (a
    /// message of thousands of parts or huge header blocks) is parsed again whenever it is needed.
    /// </summary>
    public long StructureCacheEntryBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// How many messages' sort data (what SORT and THREAD read from a header: dates, addresses, base subject,
    /// Message-ID and References) the server keeps for all sessions. A mailbox larger than this makes SORT and THREAD
    /// read headers again; each entry takes a few hundred bytes.
    /// </summary>
    public int SortCacheSize { get; set; } = 100_000;

    /// <summary>
    /// Told of messages a user copies or moves into the \Junk mailbox (spam) or out of it (ham), to train a spam filter;
    /// <see langword="null"/> (the default): nobody is told.
    /// </summary>
    public IJunkTrainer? JunkTrainer { get; set; }

    /// <summary>Returns every problem with these options, each naming the option.</summary>
    /// <param name="listener">The listener name.</param>
    /// <returns>The problems.</returns>
    public IEnumerable<string> Validate(string listener)
    {
        var prefix = $"Imap[{listener}].";
        if (MaxLineLength < 8192)
        {
            yield return $"{prefix}{nameof(MaxLineLength)} must be at least 8192, as RFC 7162 §4 recommends (was {MaxLineLength}).";
        }

        if (MaxLiteralSize < 1024)
        {
            yield return $"{prefix}{nameof(MaxLiteralSize)} must be at least 1024 (was {MaxLiteralSize}).";
        }

        if (AppendLimit < 1024)
        {
            yield return $"{prefix}{nameof(AppendLimit)} must be at least 1024 (was {AppendLimit}).";
        }

        if (IdleTimeout < TimeSpan.FromMinutes(30))
        {
            yield return $"{prefix}{nameof(IdleTimeout)} must be at least 30 minutes, as RFC 3501 §5.4 requires (was {IdleTimeout}).";
        }

        if (PreLoginTimeout <= TimeSpan.Zero || CommandTimeout <= TimeSpan.Zero || LiteralTimeout <= TimeSpan.Zero)
        {
            yield return $"{prefix}{nameof(PreLoginTimeout)}, {nameof(CommandTimeout)} and {nameof(LiteralTimeout)} must be positive.";
        }

        if (StructureCacheBytes < 0 || StructureCacheEntryBytes < 1024)
        {
            yield return $"{prefix}{nameof(StructureCacheBytes)} must not be negative and {nameof(StructureCacheEntryBytes)} must be at least 1024 (were {StructureCacheBytes} and {StructureCacheEntryBytes}).";
        }

        if (MaxBadCommandsBeforeAuthentication < 1 || MaxBadCommands < 1)
        {
            yield return $"{prefix}{nameof(MaxBadCommandsBeforeAuthentication)} and {nameof(MaxBadCommands)} must be at least 1.";
        }

        if (AdministratorContact is { IsAbsoluteUri: false })
        {
            // RFC 5464 §3.2.1.1: the value MUST be a URI.
            yield return $"{prefix}{nameof(AdministratorContact)} must be an absolute URI such as mailto:postmaster@example.test (was {AdministratorContact}).";
        }
    }
}
