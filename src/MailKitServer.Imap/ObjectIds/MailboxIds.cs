using MailKitServer.Imap.Session;
using MailKitServer.Storage;

namespace MailKitServer.Imap.ObjectIds;

/// <summary>MAILBOXID (RFC 8474 §4) in CREATE, SELECT/EXAMINE and STATUS, for accounts that keep object ids.</summary>
internal static class MailboxIds
{
    /// <summary>Whether the session's account keeps object ids (then OBJECTID is advertised).</summary>
    /// <param name="account">The logged-in account, or null.</param>
    /// <returns><see langword="true"/> when it does.</returns>
    public static bool Supported(IMailAccount? account) => account is IObjectIdMailAccount;

    /// <summary>The response code "MAILBOXID (id)" of a mailbox, or null when the store keeps no ids or the mailbox is gone.</summary>
    /// <param name="session">The session: the id comes from its account.</param>
    /// <param name="name">The mailbox name.</param>
    /// <returns>The response code without brackets, or null.</returns>
    public static async ValueTask<string?> CodeAsync(ImapSession session, string name) =>
        session.Account is IObjectIdMailAccount account && await account.GetMailboxIdAsync(name, session.Aborted).ConfigureAwait(false) is { } id
            ? $"MAILBOXID ({id})"
            : null;
}
