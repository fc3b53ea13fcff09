using System.Globalization;
using System.Text;
using MailKitServer.Imap.Metadata;
using MailKitServer.Imap.Parsing;
using MailKitServer.Imap.Session;
using MailKitServer.Storage;

namespace MailKitServer.Imap.Commands;

/// <summary>
/// GETMETADATA [(options)] mailbox entries (RFC 5464 §4.2): the values of the entries asked for, and with DEPTH 1 or
/// infinity of those below them; MAXSIZE leaves out longer values and reports the longest in
/// <c>[METADATA LONGENTRIES n]</c>. Entries without a value are left out (as in RFC 5464's examples; MailKit does not
/// read NIL there), so a command finding nothing sends no METADATA response. The empty mailbox name reads the server's
/// annotations.
/// </summary>
internal sealed class GetMetadataCommand() : ImapCommand("GETMETADATA", CommandStates.LoggedIn)
{
    private const string Syntax = "Syntax: GETMETADATA [(MAXSIZE n DEPTH 0|1|infinity)] mailbox entries";

    public override async ValueTask<bool> ExecuteAsync(ImapSession session, ImapRequest request)
    {
        var tag = request.Tag;
        if (!TryParse(request.Arguments, out var mailboxToken, out var requested, out var maxSize, out var depth, out var bad))
        {
            return await session.BadAsync(tag, bad).ConfigureAwait(false);
        }

        var server = mailboxToken.Kind == ImapTokenKind.String && mailboxToken.Text.Length == 0;
        var mailbox = string.Empty;
        if (!server && !session.TryMailboxName(mailboxToken, out mailbox))
        {
            return session.No(tag, "[NONEXISTENT] No such mailbox");
        }

        var (target, refusal) = await MetadataTarget.FindAsync(session, mailbox).ConfigureAwait(false);
        if (target is null)
        {
            return session.No(tag, refusal!);
        }

        var entries = await target.Account.GetMetadataAsync(target.Mailbox, session.UserId, session.Aborted).ConfigureAwait(false);
        if (entries is null)
        {
            return session.No(tag, "[NONEXISTENT] No such mailbox");
        }

        var all = entries.ToDictionary(e => e.Name, e => e.Value!.Value, StringComparer.Ordinal);
        AddComputed(all, session.Options, server, target);
        var longest = WriteResponse(session, server ? "\"\"" : session.MailboxString(mailbox), all, requested, maxSize, depth);
        return session.Ok(tag, longest > 0 ? string.Create(CultureInfo.InvariantCulture, $"[METADATA LONGENTRIES {longest}] GETMETADATA completed") : "GETMETADATA completed");
    }

    /// <summary>
    /// Reads the arguments: [(options)] mailbox entries, or mailbox (options) entries as MailKit sends them; each entry
    /// name checked and lower-cased.
    /// </summary>
    /// <returns>Whether they are well formed; else <paramref name="bad"/> is the BAD text.</returns>
    private static bool TryParse(IReadOnlyList<ImapToken> arguments, out ImapToken mailbox, out List<string> requested, out long? maxSize, out int depth, out string bad)
    {
        var args = arguments.ToList();
        if (args.Count == 3 && args[0].Kind != ImapTokenKind.List && args[1].Kind == ImapTokenKind.List)
        {
            // The options after the mailbox, as the draft of RFC 5464 had them and MailKit still sends them.
            (args[0], args[1]) = (args[1], args[0]);
        }

        var at = args.Count > 0 && args[0].Kind == ImapTokenKind.List ? 1 : 0;
        mailbox = args.Count > at ? args[at] : default!;
        requested = [];
        bad = Syntax;
        if (args.Count != at + 2 || args[at].Kind == ImapTokenKind.List || !TryParseOptions(at == 1 ? args[0].Items : null, out maxSize, out depth))
        {
            maxSize = null;
            depth = 0;
            return false;
        }

        foreach (var entry in args[at + 1].Kind == ImapTokenKind.List ? args[at + 1].Items : [args[at + 1]])
        {
            if (entry.Kind == ImapTokenKind.List || !MetadataEntryName.TryNormalize(entry.Text, toSet: false, out var name))
            {
                // RFC 5464 §3.2: an invalid entry name is BAD in any command.
                bad = "Invalid entry name";
                return false;
            }

            requested.Add(name);
        }

        return requested.Count > 0;
    }

    /// <summary>The entries the server answers itself: a mailbox's /private/specialuse, the server's /shared/admin.</summary>
    private static void AddComputed(Dictionary<string, ReadOnlyMemory<byte>> all, ImapOptions options, bool server, MetadataTarget target)
    {
        if (!server && target.Role is not (MailboxRole.None or MailboxRole.Inbox))
        {
            // RFC 6154 §3: /private/specialuse holds the mailbox's special-use attribute.
            all[MetadataEntryName.SpecialUse] = Encoding.ASCII.GetBytes("\\" + target.Role);
        }

        if (server && options.AdministratorContact is { } contact)
        {
            // RFC 5464 §3.2.1.1: a URI for reaching the administrator, visible to every user, read-only.
            all[MetadataEntryName.Admin] = Encoding.UTF8.GetBytes(contact.OriginalString);
        }
    }

    /// <summary>
    /// Writes "* METADATA mailbox (entry value ...)" with the entries matching the names asked for at the depth asked
    /// for, leaving out values over <paramref name="maxSize"/>; nothing when none is left.
    /// </summary>
    /// <returns>The longest value left out for its size (RFC 5464 §4.2.1), or 0.</returns>
    private static long WriteResponse(ImapSession session, string mailbox, Dictionary<string, ReadOnlyMemory<byte>> all, List<string> requested, long? maxSize, int depth)
    {
        var response = new List<byte>();
        response.AddRange(Encoding.UTF8.GetBytes("* METADATA " + mailbox + " ("));
        var first = true;
        long longest = 0;
        foreach (var name in requested)
        {
            var found = all.Where(e => MetadataEntryName.Matches(name, e.Key, depth)).OrderBy(e => e.Key, StringComparer.Ordinal).ToList();
            foreach (var (entry, value) in found)
            {
                if (maxSize is { } max && value.Length > max)
                {
                    // RFC 5464 §4.2.1: left out, and the longest such value is reported.
                    longest = Math.Max(longest, value.Length);
                    continue;
                }

                Append(response, ref first, entry, value);
            }
        }

        if (!first)
        {
            response.AddRange(")\r\n"u8);
            session.Connection.Write(response.ToArray());
        }

        return longest;
    }

    private static void Append(List<byte> response, ref bool first, string entry, ReadOnlyMemory<byte> value)
    {
        if (!first)
        {
            response.Add((byte)' ');
        }

        first = false;
        response.AddRange(Encoding.ASCII.GetBytes(ImapFormatEntry(entry) + " "));
        MetadataValue.Write(response, value.Span);
    }

    /// <summary>An entry name as an astring: an atom when it has only atom characters, else quoted.</summary>
    private static string ImapFormatEntry(string entry) =>
        entry.All(c => c > ' ' && c is not ('(' or ')' or '{' or '"' or '\\' or ']')) ? entry : Responses.ImapFormat.String(entry);

    /// <summary>getmetadata-options (RFC 5464 §5): MAXSIZE number, DEPTH 0 / 1 / infinity, each at most once.</summary>
    private static bool TryParseOptions(IReadOnlyList<ImapToken>? options, out long? maxSize, out int depth)
    {
        maxSize = null;
        depth = 0;
        if (options is null)
        {
            return true;
        }

        var seenDepth = false;
        for (var i = 0; i < options.Count; i += 2)
        {
            if (i + 1 >= options.Count || options[i].Kind != ImapTokenKind.Atom || options[i + 1].Kind != ImapTokenKind.Atom)
            {
                return false;
            }

            var value = options[i + 1].Text;
            switch (options[i].Text.ToUpperInvariant())
            {
                case "MAXSIZE" when maxSize is null && ImapNumber.TryParseNumber64(value, out var max):
                    maxSize = max;
                    break;
                case "DEPTH" when !seenDepth && (value is "0" or "1" || value.Equals("infinity", StringComparison.OrdinalIgnoreCase)):
                    seenDepth = true;
                    depth = value switch { "0" => 0, "1" => 1, _ => int.MaxValue };
                    break;
                default:
                    return false;
            }
        }

        // getmetadata-options has one option at least.
        return options.Count > 0;
    }
}
