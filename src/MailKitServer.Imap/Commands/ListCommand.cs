using MailKitServer.Imap.Acl;
using System.Text;
using MailKitServer.Imap.Parsing;
using MailKitServer.Imap.Responses;
using MailKitServer.Imap.Session;
using MailKitServer.Storage;

namespace MailKitServer.Imap.Commands;

/// <summary>
/// LIST (RFC 9051 §6.3.9) with LIST-EXTENDED (RFC 5258: selection options SUBSCRIBED, REMOTE, RECURSIVEMATCH,
/// SPECIAL-USE; return options SUBSCRIBED, CHILDREN, SPECIAL-USE, STATUS of RFC 5819; several patterns; \NonExistent
/// and CHILDINFO), and LSUB (RFC 3501 §6.3.9, with \Noselect for an unsubscribed parent of subscribed names).
/// </summary>
/// <param name="lsub">Whether this is LSUB.</param>
internal sealed class ListCommand(bool lsub) : ImapCommand(lsub ? "LSUB" : "LIST", CommandStates.LoggedIn)
{
    private const char Separator = MailboxName.Separator;

    public override async ValueTask<bool> ExecuteAsync(ImapSession session, ImapRequest request)
    {
        var tag = request.Tag;
        if (!TryParse(session, request.Arguments, out var list, out var error))
        {
            return await session.BadAsync(tag, error!).ConfigureAwait(false);
        }

        if (list.Patterns.Count == 1 && list.Patterns[0].Length == 0 && !list.Extended)
        {
            // RFC 3501 §6.3.8: an empty pattern asks for the hierarchy separator and the root of the reference.
            session.Connection.Write($"* {Name} (\\Noselect) \"/\" \"\"\r\n");
            return session.Ok(tag, $"{Name} completed");
        }

        var account = session.Account!;
        var existing = (await account.ListAsync(session.Aborted).ConfigureAwait(false)).ToDictionary(m => m.Name, StringComparer.Ordinal);
        var subscribed = (await account.ListSubscriptionsAsync(session.Aborted).ConfigureAwait(false)).ToHashSet(StringComparer.Ordinal);
        var patterns = list.Patterns.Select(p => new MailboxPattern(list.Reference, p)).ToList();
        bool Matches(string name) => patterns.Exists(p => p.Matches(name));

        var output = lsub
            ? Lsub(existing, subscribed, Matches)
            : List(list, existing, subscribed, Matches);
        var namespaced = MailboxAccess.Of(session);
        foreach (var (name, attributes, childInfo) in output)
        {
            if (namespaced?.IsVirtual(name) == true && !attributes.Contains("\\Noselect"))
            {
                // A level above shared mailboxes (RFC 2342): it holds none itself.
                attributes.Insert(0, "\\Noselect");
            }

            var line = new StringBuilder("* ").Append(Name).Append(" (").Append(string.Join(' ', attributes)).Append(") \"/\" ").Append(session.MailboxString(name));
            if (childInfo)
            {
                // RFC 5258 §3.5: the parent has subscribed descendants that this LIST does not return.
                line.Append(" (\"CHILDINFO\" (\"SUBSCRIBED\"))");
            }

            session.Connection.Write(line.Append("\r\n").ToString());
            if (list.StatusItems is not null && existing.ContainsKey(name) && !await StatusCommand.WriteStatusAsync(session, name, list.StatusItems).ConfigureAwait(false))
            {
                return await session.BadAsync(tag, "Unknown STATUS item").ConfigureAwait(false);
            }

            if (list.ReturnMyRights && existing.ContainsKey(name) && namespaced?.IsVirtual(name) != true)
            {
                // RFC 8440 §3: MYRIGHTS after the mailbox's LIST.
                session.Connection.Write(MyRightsCommand.Response(session, name, await MailboxAccess.RightsAsync(session, name).ConfigureAwait(false)));
            }
        }

        return session.Ok(tag, $"{Name} completed");
    }

    /// <summary>LSUB: subscribed names matching; a matching name that is not subscribed but has subscribed names below it comes with \Noselect.</summary>
    private static List<(string Name, List<string> Attributes, bool ChildInfo)> Lsub(Dictionary<string, MailboxInfo> existing, HashSet<string> subscribed, Func<string, bool> matches)
    {
        var result = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var name in subscribed)
        {
            if (matches(name))
            {
                result[name] = existing.ContainsKey(name) ? [] : ["\\Noselect"];
                continue;
            }

            // "%" may stop at a level above a subscribed name: that parent is listed, \Noselect (RFC 3501 §6.3.9).
            foreach (var parent in Parents(name))
            {
                if (matches(parent) && !subscribed.Contains(parent))
                {
                    result.TryAdd(parent, ["\\Noselect"]);
                }
            }
        }

        return result.Select(r => (r.Key, r.Value, false)).ToList();
    }

    private static List<(string Name, List<string> Attributes, bool ChildInfo)> List(ListRequest list, Dictionary<string, MailboxInfo> existing, HashSet<string> subscribed, Func<string, bool> matches)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        var childInfo = new HashSet<string>(StringComparer.Ordinal);
        if (list.SelectSubscribed)
        {
            foreach (var name in subscribed)
            {
                if (matches(name))
                {
                    names.Add(name);
                }
                else if (list.RecursiveMatch)
                {
                    // RFC 5258 §3 (b): a matching parent with a subscribed descendant that does not match the pattern.
                    foreach (var parent in Parents(name).Where(matches))
                    {
                        names.Add(parent);
                        childInfo.Add(parent);
                    }
                }
            }
        }
        else
        {
            names.UnionWith(existing.Keys.Where(matches));
        }

        var result = new List<(string, List<string>, bool)>();
        foreach (var name in names)
        {
            existing.TryGetValue(name, out var info);
            if (list.SelectSpecialUse && info?.Role is null or MailboxRole.None or MailboxRole.Inbox)
            {
                continue;
            }

            var attributes = new List<string>();
            if (info is null)
            {
                // RFC 5258 §3: a subscribed or parent name with no mailbox behind it.
                attributes.Add("\\NonExistent");
            }
            else
            {
                attributes.Add(info.HasChildren ? "\\HasChildren" : "\\HasNoChildren");
            }

            if ((list.SelectSubscribed || list.ReturnSubscribed) && subscribed.Contains(name))
            {
                attributes.Add("\\Subscribed");
            }

            if (info?.Role is { } role and not (MailboxRole.None or MailboxRole.Inbox))
            {
                // RFC 6154 special use.
                attributes.Add("\\" + role);
            }

            result.Add((name, attributes, childInfo.Contains(name) && !subscribed.Contains(name)));
        }

        return result;
    }

    /// <summary>The parent names of a name, nearest last ("a", "a/b" for "a/b/c").</summary>
    private static IEnumerable<string> Parents(string name)
    {
        for (var i = name.IndexOf(Separator, StringComparison.Ordinal); i > 0; i = name.IndexOf(Separator, i + 1))
        {
            yield return name[..i];
        }
    }

    private bool TryParse(ImapSession session, IReadOnlyList<ImapToken> args, out ListRequest list, out string? error)
    {
        list = new ListRequest();
        error = $"Syntax: {Name} [(options)] reference pattern [RETURN (options)]";
        var rest = args.ToList();
        if (!lsub && rest.Count > 0 && rest[0].Kind == ImapTokenKind.List)
        {
            list.Extended = true;
            if (ReadSelectionOptions(rest[0].Items, list) is { } bad)
            {
                error = bad;
                return false;
            }

            rest.RemoveAt(0);
        }

        if (!lsub && rest.Count == 4 && rest[2].Kind == ImapTokenKind.Atom && rest[2].Text.Equals("RETURN", StringComparison.OrdinalIgnoreCase) && rest[3].Kind == ImapTokenKind.List)
        {
            list.Extended = true;
            if (ReadReturnOptions(rest[3].Items, list, MailboxAccess.Of(session) is not null) is { } bad)
            {
                error = bad;
                return false;
            }

            rest.RemoveRange(2, 2);
        }

        if (rest.Count != 2 || rest[0].Kind == ImapTokenKind.List || (rest[1].Kind == ImapTokenKind.List && (lsub || rest[1].Items.Count == 0)))
        {
            return false;
        }

        string Decode(string text) => !session.Utf8 && ModifiedUtf7.TryDecode(text, out var decoded) ? decoded : text;
        list.Reference = Decode(rest[0].Text);
        if (rest[1].Kind == ImapTokenKind.List)
        {
            list.Extended = true;
            list.Patterns = rest[1].Items.Select(i => Decode(i.Text)).ToList();
        }
        else
        {
            list.Patterns = [Decode(rest[1].Text)];
        }

        error = null;
        return true;
    }

    /// <summary>LIST-EXTENDED selection options (RFC 5258 §3); returns the BAD text for an invalid set.</summary>
    private static string? ReadSelectionOptions(IReadOnlyList<ImapToken> options, ListRequest list)
    {
        foreach (var option in options)
        {
            switch (option.Kind == ImapTokenKind.Atom ? option.Text.ToUpperInvariant() : string.Empty)
            {
                case "SUBSCRIBED":
                    list.SelectSubscribed = true;
                    break;
                case "REMOTE":
                    break;
                case "RECURSIVEMATCH":
                    list.RecursiveMatch = true;
                    break;
                case "SPECIAL-USE":
                    list.SelectSpecialUse = true;
                    break;
                default:
                    // RFC 5258 §3: an unknown option is refused with BAD.
                    return "Unknown LIST selection option";
            }
        }

        if (list.RecursiveMatch && !list.SelectSubscribed && !list.SelectSpecialUse)
        {
            // RFC 5258 §3.1: RECURSIVEMATCH alone (or with REMOTE only) is refused with BAD.
            return "RECURSIVEMATCH needs another selection option";
        }

        return null;
    }

    /// <summary>LIST-EXTENDED return options (RFC 5258 §3, RFC 5819 STATUS, RFC 8440 MYRIGHTS with ACLs); returns the BAD text for an unknown one.</summary>
    private static string? ReadReturnOptions(IReadOnlyList<ImapToken> returns, ListRequest list, bool acl)
    {
        for (var i = 0; i < returns.Count; i++)
        {
            switch (returns[i].Kind == ImapTokenKind.Atom ? returns[i].Text.ToUpperInvariant() : string.Empty)
            {
                case "SUBSCRIBED":
                    list.ReturnSubscribed = true;
                    break;
                case "CHILDREN" or "SPECIAL-USE":
                    // \HasChildren/\HasNoChildren and special-use attributes are always given.
                    break;
                case "MYRIGHTS" when acl:
                    list.ReturnMyRights = true;
                    break;
                case "STATUS" when i + 1 < returns.Count && returns[i + 1].Kind == ImapTokenKind.List:
                    list.StatusItems = returns[++i].Items;
                    break;
                default:
                    return "Unknown LIST return option";
            }
        }

        return null;
    }
}
