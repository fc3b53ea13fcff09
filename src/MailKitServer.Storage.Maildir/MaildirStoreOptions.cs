using Microsoft.Extensions.Logging;

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

    /// <summary>
    /// Where per-user limits come from (IMAP QUOTA, RFC 9208), asked at each delivery, append, copy and quota report.
    /// Limits an IMAP quota administrator set with SETQUOTA (kept in the user's <c>mailkitserver.quota</c>) win over
    /// the directory's; a resource the directory leaves unset (or a user it gives none) takes
    /// <see cref="QuotaBytes"/> / <see cref="QuotaMessages"/>. <see langword="null"/>: SETQUOTA's, else those defaults.
    /// </summary>
    public Users.IQuotaUserDirectory? QuotaDirectory { get; set; }

    /// <summary>The largest message stored, in octets.</summary>
    public long MaxMessageSize { get; set; } = 64L * 1024 * 1024;

    /// <summary>
    /// The clock of the store's timers: polling for changes when no directory watcher can be had (see
    /// <see cref="ChangePollInterval"/>). Give the server's clock here when tests move it by hand.
    /// </summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Where the store logs (category <c>MailKitServer.Storage.Maildir</c>); <see langword="null"/> logs nothing.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>
    /// The store watches the folders sessions have open with one directory watcher for the whole root, so files other
    /// programs drop in are pushed to IDLE at once. When no watcher can be had (on Linux: the user's inotify instances
    /// or watches are used up) it says so at Warning and looks at the open folders this often instead.
    /// </summary>
    public TimeSpan ChangePollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Makes the store's directory watcher for the root (tests give one that fails, as an exhausted inotify does).</summary>
    internal Func<string, FileSystemWatcher>? CreateWatcher { get; set; }
}
