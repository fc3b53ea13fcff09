using System.Text.RegularExpressions;
using MailKitServer.Imap.Parsing;
using MailKitServer.Imap.Responses;
using MailKitServer.Imap.Session;
using MailKitServer.Storage;

namespace MailKitServer.Imap.Commands;

/// <summary>LIST (RFC 9051 §6.3.9) with LIST-EXTENDED (RFC 5258) and LIST-STATUS (RFC 5819), and LSUB (RFC 3501 §6.3.9).</summary>
/// <param name="lsub">Whether this is LSUB.</param>
internal sealed class ListCommand(bool lsub) : ImapCommand(lsub ? "LSUB" : "LIST", CommandStates.LoggedIn)
{
    public override async ValueTask<bool> ExecuteAsync(ImapSession session, ImapRequest request)
    {
        var tag = request.Tag;

        // RFC 5258 LIST-EXTENDED: LIST [(selection options)] reference pattern(s) [RETURN (return options)].
        var selection = new List<string>();
        var returns = new List<ImapToken>();
        var rest = request.Arguments.ToList();
        if (!lsub && rest.Count > 0 && rest[0].Kind == ImapTokenKind.List)
        {
            selection = rest[0].Items.Select(i => i.Text.ToUpperInvariant()).ToList();
            rest.RemoveAt(0);
        }

        if (!lsub && rest.Count >= 4 && rest[^2].Kind == ImapTokenKind.Atom && rest[^2].Text.Equals("RETURN", StringComparison.OrdinalIgnoreCase) && rest[^1].Kind == ImapTokenKind.List)
        {
            returns = rest[^1].Items.ToList();
            rest.RemoveRange(rest.Count - 2, 2);
        }

        if (rest.Count != 2 || rest[0].Kind == ImapTokenKind.List)
        {
            return await session.BadAsync(tag, "Syntax: LIST [(options)] reference pattern [RETURN (options)]").ConfigureAwait(false);
        }

        var utf8 = session.Utf8;
        var reference = !utf8 && ModifiedUtf7.TryDecode(rest[0].Text, out var r) ? r : rest[0].Text;
        var patterns = rest[1].Kind == ImapTokenKind.List ? rest[1].Items.Select(i => i.Text).ToList() : [rest[1].Text];
        if (patterns.Count == 1 && patterns[0].Length == 0 && selection.Count == 0)
        {
            // RFC 3501 §6.3.8: an empty pattern asks for the hierarchy delimiter.
            session.Connection.Write($"* {Name} (\\Noselect) \"/\" \"\"\r\n");
            return session.Ok(tag, $"{Name} completed");
        }

        var returnOptions = returns.Where(t => t.Kind == ImapTokenKind.Atom).Select(t => t.Text.ToUpperInvariant()).ToList();
        var statusItems = returns.Select((t, i) => (t, i)).Where(x => x.t.Kind == ImapTokenKind.Atom && x.t.Text.Equals("STATUS", StringComparison.OrdinalIgnoreCase) && x.i + 1 < returns.Count).Select(x => returns[x.i + 1]).FirstOrDefault();
        var onlySubscribed = lsub || selection.Contains("SUBSCRIBED");
        var showSubscribed = selection.Contains("SUBSCRIBED") || returnOptions.Contains("SUBSCRIBED");
        var onlySpecialUse = selection.Contains("SPECIAL-USE");
        var regexes = patterns.Select(p => new Regex("^" + Regex.Escape(reference + (!utf8 && ModifiedUtf7.TryDecode(p, out var d) ? d : p)).Replace("\\*", ".*", StringComparison.Ordinal).Replace("%", "[^/]*", StringComparison.Ordinal) + "$", RegexOptions.None, TimeSpan.FromSeconds(1))).ToList();
        var mailboxes = await session.Account!.ListAsync(session.Aborted).ConfigureAwait(false);
        foreach (var m in mailboxes)
        {
            if ((onlySubscribed && !m.IsSubscribed) || (onlySpecialUse && m.Role is MailboxRole.None or MailboxRole.Inbox) || !regexes.Exists(x => x.IsMatch(m.Name)))
            {
                continue;
            }

            session.Connection.Write($"* {Name} ({MailboxAttributes.Of(m, showSubscribed)}) \"/\" {session.MailboxString(m.Name)}\r\n");
            if (statusItems is not null && !await StatusCommand.WriteStatusAsync(session, m.Name, statusItems.Items).ConfigureAwait(false))
            {
                return await session.BadAsync(tag, "Unknown STATUS item").ConfigureAwait(false);
            }
        }

        return session.Ok(tag, $"{Name} completed");
    }
}
