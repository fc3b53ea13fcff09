using MailKitServer.Imap.Session;

namespace MailKitServer.Imap.Commands;

/// <summary>What LOGIN and AUTHENTICATE do once the directory has decided.</summary>
internal static class LoginOutcome
{
    /// <summary>Opens the user's account and enters the authenticated state (RFC 9051 §6.2.3).</summary>
    public static async ValueTask<bool> SucceededAsync(ImapSession session, string tag, string userName, string userId)
    {
        session.Context.AuthThrottle.RecordSuccess(session.Connection.RemoteEndPoint.Address, userName, userId);
        var own = await session.Context.Store.OpenAccountAsync(userId, session.Aborted).ConfigureAwait(false);

        // With access control lists the session sees other users' shared mailboxes and the public tree too (RFC 2342).
        session.Account = session.Context.Store is not Storage.Acl.IMailboxAclStore acl ? own
            : own is Storage.IObjectIdMailAccount withIds ? new Acl.ObjectIdNamespacedAccount(withIds, session.Context.Store, acl, session.Context.Directory, session.Options)
            : new Acl.NamespacedAccount(own, session.Context.Store, acl, session.Context.Directory, session.Options);
        session.UserId = userId;
        session.Authenticated();
        session.ResetBadCommands();
        return session.Ok(tag, $"[CAPABILITY {session.Capabilities}] Logged in");
    }

    /// <summary>Counts the failure against the account and the address (throttling, a Warning in the log) and answers NO [AUTHENTICATIONFAILED] (RFC 5530).</summary>
    public static bool Failed(ImapSession session, string tag, string? userName)
    {
        session.Context.Metrics.AuthenticationFailures.Add(1, new KeyValuePair<string, object?>("protocol", "imap"));
        session.Context.AuthThrottle.RecordFailure(session.Connection.RemoteEndPoint.Address, userName, "imap");
        return session.No(tag, "[AUTHENTICATIONFAILED] Authentication failed");
    }
}
