using MailKitServer.Runtime;
using MailKitServer.Storage;

namespace MailKitServer.Smtp.Filtering;

/// <summary>
/// Where a user's junk goes: the mailbox with the \Junk special use (RFC 6154), made with that role under
/// <see cref="SmtpOptions.QuarantineMailbox"/>'s name when the user has none; INBOX when the store cannot make it.
/// </summary>
internal static class JunkMailbox
{
    /// <summary>Finds (or makes) the user's junk mailbox.</summary>
    /// <param name="context">The server's seams.</param>
    /// <param name="userId">The user.</param>
    /// <param name="name">The name to make it under.</param>
    /// <param name="cancellationToken">Cancels the look-up.</param>
    /// <returns>The mailbox's name.</returns>
    public static async Task<string> FindOrCreateAsync(MailServerContext context, string userId, string name, CancellationToken cancellationToken)
    {
        var account = await context.Store.OpenAccountAsync(userId, cancellationToken).ConfigureAwait(false);
        await using (account.ConfigureAwait(false))
        {
            var mailboxes = await account.ListAsync(cancellationToken).ConfigureAwait(false);
            if (mailboxes.FirstOrDefault(m => m.Role == MailboxRole.Junk) is { } junk)
            {
                return junk.Name;
            }

            var created = await account.CreateAsync(name, MailboxRole.Junk, cancellationToken).ConfigureAwait(false);
            if (created.Status is StoreStatus.Success or StoreStatus.AlreadyExists)
            {
                if (created.Status == StoreStatus.Success)
                {
                    await account.SetSubscribedAsync(name, true, cancellationToken).ConfigureAwait(false);
                }

                return name;
            }

            return MailboxName.Inbox;
        }
    }
}
