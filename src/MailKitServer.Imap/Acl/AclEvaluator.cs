using MailKitServer.Addresses;
using MailKitServer.Storage;
using MailKitServer.Storage.Acl;
using MailKitServer.Users;

namespace MailKitServer.Imap.Acl;

/// <summary>
/// What an access control list grants one user (RFC 4314 §2): the union of the entries naming the user, <c>anyone</c>,
/// <c>authenticated</c> and the groups (distribution lists of the directory) that expand to the user, less the union
/// of the negative entries naming any of those. Group memberships are looked up once per session.
/// </summary>
/// <param name="userId">The user.</param>
/// <param name="directory">The directory that expands groups.</param>
internal sealed class AclEvaluator(string userId, IUserDirectory directory)
{
    private Dictionary<string, bool>? _groups; // made by the first group identifier met

    /// <summary>The rights the entries grant the user.</summary>
    /// <param name="entries">The list.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The rights.</returns>
    public async ValueTask<MailboxRights> RightsAsync(IReadOnlyList<MailboxAclEntry> entries, CancellationToken cancellationToken)
    {
        var granted = MailboxRights.None;
        var denied = MailboxRights.None;
        foreach (var entry in entries)
        {
            var negative = entry.Identifier.StartsWith(MailboxAclIdentifiers.NegativePrefix, StringComparison.Ordinal);
            var identifier = negative ? entry.Identifier[1..] : entry.Identifier;
            if (await AppliesAsync(identifier, cancellationToken).ConfigureAwait(false))
            {
                if (negative)
                {
                    denied |= entry.Rights;
                }
                else
                {
                    granted |= entry.Rights;
                }
            }
        }

        return granted & ~denied;
    }

    private async ValueTask<bool> AppliesAsync(string identifier, CancellationToken cancellationToken)
    {
        if (identifier is MailboxAclIdentifiers.Anyone or MailboxAclIdentifiers.Authenticated || identifier.Equals(userId, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (!identifier.StartsWith(MailboxAclIdentifiers.GroupPrefix, StringComparison.Ordinal))
        {
            return false;
        }

        _groups ??= new(StringComparer.OrdinalIgnoreCase);
        if (!_groups.TryGetValue(identifier, out var member))
        {
            member = MailAddress.TryParse(identifier.AsSpan(1), allowUtf8: true, out var address)
                && (await directory.ResolveAsync(address, cancellationToken).ConfigureAwait(false)) is { Status: RecipientStatus.Resolved } list
                && list.Mailboxes.Any(m => m.UserId.Equals(userId, StringComparison.OrdinalIgnoreCase));
            _groups[identifier] = member;
        }

        return member;
    }
}
