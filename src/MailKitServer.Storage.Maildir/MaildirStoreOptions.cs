namespace MailKitServer.Storage.Maildir;

/// <summary>Options of the <see cref="MaildirMessageStore"/>.</summary>
public sealed class MaildirStoreOptions
{
    /// <summary>The root folder; each user's Maildir is <c>root/&lt;user&gt;/Maildir</c> (Dovecot's <c>maildir:ROOT/%u/Maildir</c>).</summary>
    public string Root { get; set; } = "maildata";

    /// <summary>The special-use folders created for a new account.</summary>
    public IDictionary<string, MailboxRole> DefaultMailboxes { get; } = Storage.DefaultMailboxes.Create();

    /// <summary>The most octets one user may store (all folders), or <see langword="null"/> for no limit.</summary>
    public long? QuotaBytes { get; set; }

    /// <summary>The most messages one user may store (all folders), or <see langword="null"/> for no limit.</summary>
    public long? QuotaMessages { get; set; }

    /// <summary>The largest message stored, in octets.</summary>
    public long MaxMessageSize { get; set; } = 64L * 1024 * 1024;
}
