using MailKitServer.Storage;
using MailKitServer.Storage.Acl;

namespace MailKitServer.Imap.Acl;

/// <summary>
/// A STORE cut down to what the rights allow (RFC 4314 §4): \Seen needs "s", \Deleted "t", other flags and keywords
/// "w"; the rest of the request is left out without an error, unless nothing is left (then NO [NOPERM]).
/// </summary>
internal static class PermittedFlagChange
{
    private const SystemFlags AllFlags = SystemFlags.Seen | SystemFlags.Answered | SystemFlags.Flagged | SystemFlags.Deleted | SystemFlags.Draft;

    /// <summary>
    /// The changes to make instead of <paramref name="change"/>: the change itself when every flag it touches is
    /// allowed; else an add and a remove limited to the allowed flags (a replace touches only those); none when it
    /// asked to touch only flags the rights do not cover.
    /// </summary>
    /// <param name="rights">The rights on the selected mailbox.</param>
    /// <param name="change">The STORE's change.</param>
    /// <param name="currentKeywords">The keywords the messages carry now (a replace removes the others).</param>
    /// <returns>The changes, or an empty list when none is allowed.</returns>
    public static IReadOnlyList<FlagChange> Split(MailboxRights rights, FlagChange change, IEnumerable<string> currentKeywords)
    {
        var (allowed, _) = MailboxAccess.Permitted(rights, AllFlags, []);
        var write = (rights & MailboxRights.Write) != 0;
        var touched = change.Mode == FlagChangeMode.Replace ? AllFlags : change.Flags;
        var touchesKeywords = change.Mode == FlagChangeMode.Replace || change.Keywords.Count > 0;
        if ((touched & ~allowed) == 0 && (write || !touchesKeywords))
        {
            return [change];
        }

        if (change.Mode != FlagChangeMode.Replace)
        {
            var flags = change.Flags & allowed;
            var keywords = write ? change.Keywords : [];
            return flags == SystemFlags.None && keywords.Count == 0 && (change.Flags != SystemFlags.None || change.Keywords.Count > 0)
                ? []
                : [new FlagChange(change.Mode, flags, keywords)];
        }

        // A replace of what the rights cover: set what was asked, clear the rest of it; leave the others alone.
        var removeKeywords = write
            ? currentKeywords.Where(k => !change.Keywords.Contains(k, StringComparer.OrdinalIgnoreCase)).Distinct(StringComparer.OrdinalIgnoreCase).ToList()
            : [];
        return
        [
            new FlagChange(FlagChangeMode.Add, change.Flags & allowed, write ? change.Keywords : []),
            new FlagChange(FlagChangeMode.Remove, allowed & ~change.Flags, removeKeywords),
        ];
    }
}
