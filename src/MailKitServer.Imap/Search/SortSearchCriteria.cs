using MailKitServer.Imap.Parsing;
using MailKitServer.Imap.Session;

namespace MailKitServer.Imap.Search;

/// <summary>The search-criteria of SORT and THREAD (RFC 5256 §5): a mandatory charset, then one or more search keys.</summary>
internal static class SortSearchCriteria
{
    /// <summary>Parses the charset and the keys, answering the command itself when they are invalid.</summary>
    /// <param name="session">The session: the BAD or NO is sent on it.</param>
    /// <param name="tag">The command's tag.</param>
    /// <param name="args">The command's arguments.</param>
    /// <param name="start">Where the charset is.</param>
    /// <returns>The key; or null and whether the session goes on after the BAD or NO that was sent.</returns>
    public static async ValueTask<(SearchKey? Key, bool Continue)> ParseAsync(ImapSession session, string tag, IReadOnlyList<ImapToken> args, int start)
    {
        if (start + 1 >= args.Count || args[start].Kind == ImapTokenKind.List)
        {
            return (null, await session.BadAsync(tag, "A charset and search keys are required").ConfigureAwait(false));
        }

        // RFC 5256 §3: the charset is mandatory; US-ASCII and UTF-8 MUST be implemented.
        if (!SearchCharset.IsSupported(args[start].Text))
        {
            return (null, session.No(tag, SearchCharset.BadCharset));
        }

        if (!SearchParser.TryParse(args.Skip(start + 1).ToList(), out var key, out var error))
        {
            return (null, await session.BadAsync(tag, error ?? "Invalid search").ConfigureAwait(false));
        }

        if (key.UsesSequenceNumbers && session.UidOnly)
        {
            // RFC 9586 §3: no sequence numbers in UID SORT / UID THREAD criteria either.
            return (null, await session.BadAsync(tag, ImapSession.UidOnlyRequired).ConfigureAwait(false));
        }

        return (key, true);
    }
}
