using System.Globalization;
using System.Text;
using MailKitServer.Imap.Metadata;
using MailKitServer.Imap.Parsing;
using MailKitServer.Imap.Session;
using MailKitServer.Storage.Metadata;

namespace MailKitServer.Imap.Commands;

/// <summary>
/// SETMETADATA mailbox (entry value ...) (RFC 5464 §4.3): sets each entry with a value and removes each with NIL, all
/// or none. A value over <see cref="ImapOptions.MetadataMaxValueSize"/> is refused with <c>[METADATA MAXSIZE n]</c>,
/// more than <see cref="ImapOptions.MetadataMaxEntries"/> entries with <c>[METADATA TOOMANY]</c>. The server's shared
/// entries are set only by <see cref="ImapOptions.ServerMetadataAdministrators"/>; /private/specialuse and the
/// server's /shared/admin are read-only.
/// </summary>
internal sealed class SetMetadataCommand() : ImapCommand("SETMETADATA", CommandStates.LoggedIn)
{
    private const string Syntax = "Syntax: SETMETADATA mailbox (entry value ...)";

    public override async ValueTask<bool> ExecuteAsync(ImapSession session, ImapRequest request)
    {
        var tag = request.Tag;
        var args = request.Arguments;
        if (args.Count != 2 || args[0].Kind == ImapTokenKind.List || args[1].Kind != ImapTokenKind.List || args[1].Items.Count == 0 || args[1].Items.Count % 2 != 0)
        {
            return await session.BadAsync(tag, Syntax).ConfigureAwait(false);
        }

        var options = session.Options;
        var changes = new List<MetadataEntry>();
        if (ParseChanges(args[1].Items, options.MetadataMaxValueSize, changes, out var tooLarge) is { } bad)
        {
            return await session.BadAsync(tag, bad).ConfigureAwait(false);
        }

        var server = args[0].Kind == ImapTokenKind.String && args[0].Text.Length == 0;
        var mailbox = string.Empty;
        if (!server && !session.TryMailboxName(args[0], out mailbox))
        {
            return session.No(tag, "[NONEXISTENT] No such mailbox");
        }

        var (target, refusal) = await MetadataTarget.FindAsync(session, mailbox).ConfigureAwait(false);
        if (target is null)
        {
            return session.No(tag, refusal!);
        }

        if (tooLarge > 0)
        {
            // RFC 5464 §4.3: NO with the largest value the server accepts; nothing is changed.
            return session.No(tag, string.Create(CultureInfo.InvariantCulture, $"[METADATA MAXSIZE {options.MetadataMaxValueSize}] Value too large"));
        }

        if (Forbidden(session, server, changes) is { } forbidden)
        {
            return session.No(tag, forbidden);
        }

        var current = await target.Account.GetMetadataAsync(target.Mailbox, session.UserId, session.Aborted).ConfigureAwait(false);
        if (current is null)
        {
            return session.No(tag, "[NONEXISTENT] No such mailbox");
        }

        if (!RoomFor(current, changes, options.MetadataMaxEntries))
        {
            // RFC 5464 §4.3: no room for a new annotation; nothing is changed.
            return session.No(tag, "[METADATA TOOMANY] Too many annotations");
        }

        if (!await target.Account.SetMetadataAsync(target.Mailbox, session.UserId, changes, session.Aborted).ConfigureAwait(false))
        {
            return session.No(tag, "[NONEXISTENT] No such mailbox");
        }

        return session.Ok(tag, "SETMETADATA completed");
    }

    /// <summary>
    /// Reads the (entry value) pairs: a value to set, or NIL to remove. Values over <paramref name="maxValueSize"/> are
    /// not kept; the largest such length comes back in <paramref name="tooLarge"/> (0 when none).
    /// </summary>
    /// <returns>The BAD text, or null when every pair is well formed.</returns>
    private static string? ParseChanges(IReadOnlyList<ImapToken> items, int maxValueSize, List<MetadataEntry> changes, out long tooLarge)
    {
        tooLarge = 0;
        for (var i = 0; i < items.Count; i += 2)
        {
            var (entry, value) = (items[i], items[i + 1]);
            if (entry.Kind == ImapTokenKind.List || !MetadataEntryName.TryNormalize(entry.Text, toSet: true, out var name))
            {
                // RFC 5464 §3.2: an invalid entry name is BAD in any command.
                return "Invalid entry name";
            }

            if (value.IsNil)
            {
                changes.Add(new MetadataEntry(name, null));
            }
            else if (value.Kind == ImapTokenKind.List)
            {
                // RFC 5464 §5: value = nstring / literal8 (an atom is taken as its text: MailKit sends short values so).
                return "A value is a string, a literal or NIL";
            }
            else if (Length(value) > maxValueSize)
            {
                tooLarge = Length(value);
            }
            else
            {
                changes.Add(new MetadataEntry(name, Octets(value)));
            }
        }

        return changes.Select(c => c.Name).Distinct(StringComparer.Ordinal).Count() != changes.Count ? "An entry is named twice" : null;
    }

    /// <summary>The NO text when a change touches an entry the user may not set, else null.</summary>
    private static string? Forbidden(ImapSession session, bool server, List<MetadataEntry> changes)
    {
        if (changes.Exists(c => !server && c.Name == MetadataEntryName.SpecialUse))
        {
            return "[NOPERM] /private/specialuse is set with CREATE (USE ...)";
        }

        if (changes.Exists(c => server && c.Name == MetadataEntryName.Admin))
        {
            // RFC 5464 §3.2.1.1: "This entry is always read-only -- clients cannot change it."
            return "[NOPERM] /shared/admin is read-only";
        }

        if (server && changes.Exists(c => !MetadataEntryName.IsPrivate(c.Name)) && !session.Options.ServerMetadataAdministrators.Contains(session.UserId))
        {
            // RFC 5464 §3.3: the server may restrict its shared annotations, and then answers NO.
            return "[NOPERM] Only administrators set shared server annotations";
        }

        return null;
    }

    /// <summary>Whether the entries after the changes stay within the limit (a change that adds none always passes).</summary>
    private static bool RoomFor(IReadOnlyList<MetadataEntry> current, List<MetadataEntry> changes, int maxEntries)
    {
        var after = current.Select(e => e.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var change in changes)
        {
            _ = change.Value is null ? after.Remove(change.Name) : after.Add(change.Name);
        }

        return after.Count <= maxEntries || after.Count <= current.Count;
    }

    private static long Length(ImapToken value) =>
        value.LiteralSpool?.Length ?? value.LiteralBytes?.Length ?? Encoding.UTF8.GetByteCount(value.Text);

    private static byte[] Octets(ImapToken value)
    {
        if (value.LiteralBytes is { } bytes)
        {
            return bytes;
        }

        if (value.LiteralSpool is null)
        {
            return Encoding.UTF8.GetBytes(value.Text);
        }

        using var content = value.OpenContent();
        using var copy = new MemoryStream();
        content.CopyTo(copy);
        return copy.ToArray();
    }
}
