using System.Globalization;
using MailKitServer.Imap.Responses;
using MailKitServer.Imap.Session;
using MailKitServer.Storage;

namespace MailKitServer.Imap.Quota;

/// <summary>
/// The quota roots of QUOTA (RFC 9208): one per account, named by the user id, covering all its mailboxes. A user
/// sees only their own root; the users in <see cref="ImapOptions.QuotaAdministrators"/> read and set anyone's.
/// </summary>
internal static class QuotaRoots
{
    /// <summary>Whether the session's account counts usage against limits (then QUOTA is advertised).</summary>
    /// <param name="account">The logged-in account, or null.</param>
    /// <returns><see langword="true"/> when it does.</returns>
    public static bool Supported(IMailAccount? account) => Acl.MailboxAccess.OwnAccount(account) is IQuotaMailAccount;

    /// <summary>Whether the session's user may set limits (QUOTASET).</summary>
    /// <returns><see langword="true"/> for a quota administrator.</returns>
    public static bool IsAdministrator(ImapSession session) => session.Options.QuotaAdministrators.Contains(session.UserId);

    /// <summary>"* QUOTA root (STORAGE used limit MESSAGE used limit)": the resources that have a limit (RFC 9208 §4.2.2).</summary>
    /// <param name="root">The root's name.</param>
    /// <param name="usage">The usage; a resource without a limit is left out.</param>
    /// <returns>The response line.</returns>
    public static string Response(string root, QuotaUsage usage)
    {
        var items = new List<string>();
        if (usage.StorageLimitBytes is { } storage)
        {
            // RFC 9208 §5.1: STORAGE in units of 1024 octets.
            items.Add(string.Create(CultureInfo.InvariantCulture, $"STORAGE {Kibibytes(usage.StorageBytes)} {storage / 1024}"));
        }

        if (usage.MessageLimit is { } messages)
        {
            items.Add(string.Create(CultureInfo.InvariantCulture, $"MESSAGE {usage.Messages} {messages}"));
        }

        return $"* QUOTA {ImapFormat.String(root)} ({string.Join(' ', items)})\r\n";
    }

    /// <summary>The account a root names, opened for the session (its own, or another user's for an administrator); null when the session may not see it.</summary>
    /// <param name="session">The session: an administrator may open any user's root.</param>
    /// <param name="root">The root's name.</param>
    /// <returns>The account and whether the caller must dispose it, or null.</returns>
    public static async ValueTask<(IQuotaMailAccount Account, bool Owned)?> OpenAsync(ImapSession session, string root)
    {
        if (root == session.UserId && Acl.MailboxAccess.OwnAccount(session.Account) is IQuotaMailAccount own)
        {
            return (own, false);
        }

        if (!IsAdministrator(session) || root.Length == 0)
        {
            return null;
        }

        var other = await session.Context.Store.OpenAccountAsync(root, session.Aborted).ConfigureAwait(false);
        if (other is IQuotaMailAccount quota)
        {
            return (quota, true);
        }

        await other.DisposeAsync().ConfigureAwait(false);
        return null;
    }

    private static long Kibibytes(long bytes) => (bytes + 1023) / 1024;
}
