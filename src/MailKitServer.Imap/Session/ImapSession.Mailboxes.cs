using System.Text;
using System.Text.RegularExpressions;
using MailKitServer.Imap.Parsing;
using MailKitServer.Storage;

namespace MailKitServer.Imap.Session;

/// <summary>SELECT, EXAMINE, CREATE, DELETE, RENAME, SUBSCRIBE, UNSUBSCRIBE, LIST, LSUB, STATUS.</summary>
internal sealed partial class ImapSession
{
    private async ValueTask<bool> SelectAsync(string tag, IReadOnlyList<ImapToken> args, bool readOnly)
    {
        if (args.Count < 1 || !TryMailboxName(args[0], out var name))
        {
            return await BadAsync(tag, "Syntax: SELECT mailbox").ConfigureAwait(false);
        }

        // RFC 3501 §6.3.1: a SELECT deselects the current mailbox first, even if the new one fails.
        if (_selected is not null)
        {
            await _selected.View.DisposeAsync().ConfigureAwait(false);
            _selected = null;
            _state = ImapState.Authenticated;
            _connection.Write("* OK [CLOSED] Previous mailbox closed\r\n"u8);
        }

        var view = await _account!.OpenAsync(name, readOnly, _connection.Aborted).ConfigureAwait(false);
        if (view is null)
        {
            return No(tag, "[NONEXISTENT] No such mailbox");
        }

        var recentKey = RecentTracker.Key(_userId, name, view.Status.UidValidity);
        _selected = new SelectedMailbox(view, RecentTracker.For(_context), recentKey);
        _selected.ClaimRecent();
        _state = ImapState.Selected;
        var status = view.Status;
        var sb = new StringBuilder();
        sb.Append("* FLAGS ").Append(ImapFormat.Flags(MessageFlags.Seen | MessageFlags.Answered | MessageFlags.Flagged | MessageFlags.Deleted | MessageFlags.Draft, _selected.Keywords)).Append("\r\n");
        sb.Append(readOnly ? "* OK [PERMANENTFLAGS ()] Read-only mailbox\r\n" : "* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*)] Flags permitted\r\n");
        sb.Append("* ").Append(_selected.Count).Append(" EXISTS\r\n");
        if (_imap4rev2)
        {
            // RFC 9051 §6.3.2: SELECT returns an untagged LIST with the mailbox's name and attributes; RECENT is gone.
            var info = (await _account.ListAsync(_connection.Aborted).ConfigureAwait(false)).FirstOrDefault(m => m.Name == name);
            sb.Append("* LIST (").Append(info is null ? string.Empty : MailboxAttributes(info, showSubscribed: false)).Append(") \"/\" ").Append(MailboxString(name)).Append("\r\n");
        }
        else
        {
            sb.Append("* ").Append(_selected.RecentCount).Append(" RECENT\r\n");
        }

        var firstUnseen = _selected.Messages.ToList().FindIndex(m => (m.Flags & MessageFlags.Seen) == 0);
        if (firstUnseen >= 0)
        {
            sb.Append("* OK [UNSEEN ").Append(firstUnseen + 1).Append("] First unseen\r\n");
        }

        sb.Append("* OK [UIDVALIDITY ").Append(status.UidValidity).Append("] UIDs valid\r\n");
        sb.Append("* OK [UIDNEXT ").Append(status.UidNext).Append("] Predicted next UID\r\n");
        _connection.Write(sb.ToString());
        return Ok(tag, readOnly ? "[READ-ONLY] EXAMINE completed" : "[READ-WRITE] SELECT completed");
    }

    private async ValueTask<bool> MailboxCommandAsync(string tag, string command, IReadOnlyList<ImapToken> args)
    {
        var expected = command == "RENAME" ? 2 : 1;
        if (args.Count < expected || !TryMailboxName(args[0], out var name))
        {
            return args.Count >= expected && args[0].Kind != ImapTokenKind.List
                ? No(tag, "[CANNOT] Invalid mailbox name")
                : await BadAsync(tag, $"Syntax: {command} mailbox").ConfigureAwait(false);
        }

        var token = _connection.Aborted;
        MailboxResult result;
        switch (command)
        {
            case "CREATE":
                // CREATE-SPECIAL-USE (RFC 6154 §3): CREATE name (USE (\Sent)).
                var role = MailboxRole.None;
                if (args.Count >= 2 && args[1].Kind == ImapTokenKind.List && args[1].Items.Count == 2 && args[1].Items[0].Text.Equals("USE", StringComparison.OrdinalIgnoreCase))
                {
                    var use = args[1].Items[1].Items.FirstOrDefault()?.Text.TrimStart('\\') ?? string.Empty;
                    if (!Enum.TryParse(use, ignoreCase: true, out role))
                    {
                        return No(tag, "[USEATTR] Unsupported special use");
                    }
                }

                result = await _account!.CreateAsync(name.TrimEnd('/'), role, token).ConfigureAwait(false);
                break;
            case "DELETE":
                if (_selected?.View.Name == name)
                {
                    await _selected.View.DisposeAsync().ConfigureAwait(false);
                    _selected = null;
                    _state = ImapState.Authenticated;
                }

                result = await _account!.DeleteAsync(name, token).ConfigureAwait(false);
                break;
            case "RENAME":
                if (!TryMailboxName(args[1], out var to))
                {
                    return No(tag, "[CANNOT] Invalid mailbox name");
                }

                result = await _account!.RenameAsync(name, to, token).ConfigureAwait(false);
                break;
            default:
                result = await _account!.SetSubscribedAsync(name, command == "SUBSCRIBE", token).ConfigureAwait(false);
                break;
        }

        return result.Succeeded ? Ok(tag, $"{command} completed") : No(tag, StoreError(result.Status, result.Message));
    }

    private async ValueTask<bool> ListAsync(string tag, IReadOnlyList<ImapToken> args, bool lsub)
    {
        // RFC 5258 LIST-EXTENDED: LIST [(selection options)] reference pattern(s) [RETURN (return options)].
        var selection = new List<string>();
        var returns = new List<ImapToken>();
        var rest = args.ToList();
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
            return await BadAsync(tag, "Syntax: LIST [(options)] reference pattern [RETURN (options)]").ConfigureAwait(false);
        }

        var reference = !Utf8 && ModifiedUtf7.TryDecode(rest[0].Text, out var r) ? r : rest[0].Text;
        var patterns = rest[1].Kind == ImapTokenKind.List ? rest[1].Items.Select(i => i.Text).ToList() : [rest[1].Text];
        var command = lsub ? "LSUB" : "LIST";
        if (patterns.Count == 1 && patterns[0].Length == 0 && selection.Count == 0)
        {
            // RFC 3501 §6.3.8: an empty pattern asks for the hierarchy delimiter.
            _connection.Write($"* {command} (\\Noselect) \"/\" \"\"\r\n");
            return Ok(tag, $"{command} completed");
        }

        var returnOptions = returns.Where(t => t.Kind == ImapTokenKind.Atom).Select(t => t.Text.ToUpperInvariant()).ToList();
        var statusItems = returns.Select((t, i) => (t, i)).Where(x => x.t.Kind == ImapTokenKind.Atom && x.t.Text.Equals("STATUS", StringComparison.OrdinalIgnoreCase) && x.i + 1 < returns.Count).Select(x => returns[x.i + 1]).FirstOrDefault();
        var onlySubscribed = lsub || selection.Contains("SUBSCRIBED");
        var showSubscribed = selection.Contains("SUBSCRIBED") || returnOptions.Contains("SUBSCRIBED");
        var onlySpecialUse = selection.Contains("SPECIAL-USE");
        var regexes = patterns.Select(p => new Regex("^" + Regex.Escape(reference + (!Utf8 && ModifiedUtf7.TryDecode(p, out var d) ? d : p)).Replace("\\*", ".*", StringComparison.Ordinal).Replace("%", "[^/]*", StringComparison.Ordinal) + "$", RegexOptions.None, TimeSpan.FromSeconds(1))).ToList();
        var mailboxes = await _account!.ListAsync(_connection.Aborted).ConfigureAwait(false);
        foreach (var m in mailboxes)
        {
            if ((onlySubscribed && !m.IsSubscribed) || (onlySpecialUse && m.Role is MailboxRole.None or MailboxRole.Inbox) || !regexes.Exists(x => x.IsMatch(m.Name)))
            {
                continue;
            }

            _connection.Write($"* {command} ({MailboxAttributes(m, showSubscribed)}) \"/\" {MailboxString(m.Name)}\r\n");
            if (statusItems is not null && !await WriteStatusAsync(m.Name, statusItems.Items).ConfigureAwait(false))
            {
                return await BadAsync(tag, "Unknown STATUS item").ConfigureAwait(false);
            }
        }

        return Ok(tag, $"{command} completed");
    }

    /// <summary>The LIST attributes of one mailbox: CHILDREN (RFC 3348), \Subscribed (RFC 5258), special use (RFC 6154).</summary>
    private static string MailboxAttributes(MailboxInfo m, bool showSubscribed)
    {
        var attributes = new List<string> { m.HasChildren ? "\\HasChildren" : "\\HasNoChildren" };
        if (showSubscribed && m.IsSubscribed)
        {
            attributes.Add("\\Subscribed");
        }

        if (m.Role is not (MailboxRole.None or MailboxRole.Inbox))
        {
            attributes.Add("\\" + m.Role);
        }

        return string.Join(' ', attributes);
    }

    /// <summary>STATUS RECENT: the messages no session has been told about yet (RFC 3501 §6.3.10).</summary>
    private async ValueTask<int> CountUnclaimedAsync(string name, MailboxStatus status)
    {
        var claimed = RecentTracker.For(_context).Claimed(RecentTracker.Key(_userId, name, status.UidValidity));
        if (status.Messages == 0 || status.UidNext - 1 <= claimed)
        {
            return 0;
        }

        var view = await _account!.OpenAsync(name, readOnly: true, _connection.Aborted).ConfigureAwait(false);
        if (view is null)
        {
            return 0;
        }

        await using (view.ConfigureAwait(false))
        {
            return view.Messages.Count(m => m.Uid > claimed);
        }
    }

    private async ValueTask<bool> StatusAsync(string tag, IReadOnlyList<ImapToken> args)
    {
        if (args.Count != 2 || args[1].Kind != ImapTokenKind.List || !TryMailboxName(args[0], out var name))
        {
            return await BadAsync(tag, "Syntax: STATUS mailbox (items)").ConfigureAwait(false);
        }

        if (await _account!.GetStatusAsync(name, _connection.Aborted).ConfigureAwait(false) is null)
        {
            return No(tag, "[NONEXISTENT] No such mailbox");
        }

        return await WriteStatusAsync(name, args[1].Items).ConfigureAwait(false)
            ? Ok(tag, "STATUS completed")
            : await BadAsync(tag, "Unknown STATUS item").ConfigureAwait(false);
    }

    /// <summary>Writes one "* STATUS" response (STATUS, and LIST-STATUS of RFC 5819).</summary>
    private async ValueTask<bool> WriteStatusAsync(string name, IReadOnlyList<ImapToken> requested)
    {
        var status = await _account!.GetStatusAsync(name, _connection.Aborted).ConfigureAwait(false);
        if (status is null)
        {
            return true;
        }

        var items = new List<string>();
        foreach (var item in requested)
        {
            var value = item.Text.ToUpperInvariant() switch
            {
                "MESSAGES" => status.Messages.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "RECENT" => (await CountUnclaimedAsync(name, status).ConfigureAwait(false)).ToString(System.Globalization.CultureInfo.InvariantCulture),
                "UIDNEXT" => status.UidNext.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "UIDVALIDITY" => status.UidValidity.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "UNSEEN" => status.Unseen.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "SIZE" => status.Size.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "DELETED" => status.Deleted.ToString(System.Globalization.CultureInfo.InvariantCulture),
                _ => null,
            };
            if (value is null)
            {
                return false;
            }

            items.Add(item.Text.ToUpperInvariant() + " " + value);
        }

        _connection.Write($"* STATUS {MailboxString(name)} ({string.Join(' ', items)})\r\n");
        return true;
    }
}
