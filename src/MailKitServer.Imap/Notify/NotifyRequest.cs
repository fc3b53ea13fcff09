using MailKitServer.Imap.Parsing;

namespace MailKitServer.Imap.Notify;

/// <summary>A parsed NOTIFY command (RFC 5465 §3.1, §8).</summary>
/// <param name="IsNone">NOTIFY NONE: no events at all.</param>
/// <param name="Status">SET STATUS: send a STATUS for each watched mailbox before the tagged OK.</param>
/// <param name="Groups">The event groups of SET.</param>
internal sealed record NotifyRequest(bool IsNone, bool Status, IReadOnlyList<NotifyEventGroup> Groups)
{
    /// <summary>The event names the server supports, for <c>[BADEVENT (...)]</c> (RFC 5465 §3.1).</summary>
    public const string SupportedEventNames = "MessageNew MessageExpunge FlagChange MailboxName SubscriptionChange";

    /// <summary>More groups or mailboxes than this is refused: no client needs them, and each costs work per change.</summary>
    public const int MaxMailboxes = 1000;

    /// <summary>Parses the arguments of NOTIFY.</summary>
    /// <param name="args">The arguments after the command name.</param>
    /// <param name="request">The request; undefined when invalid.</param>
    /// <param name="error">Why it is invalid.</param>
    /// <param name="badEvent">
    /// Whether the error is an event this server does not support: the answer is then
    /// <c>NO [BADEVENT (...)]</c>, not BAD (RFC 5465 §3.1).
    /// </param>
    /// <returns><see langword="true"/> when valid.</returns>
    public static bool TryParse(IReadOnlyList<ImapToken> args, out NotifyRequest request, out string? error, out bool badEvent)
    {
        request = new NotifyRequest(true, false, []);
        error = null;
        badEvent = false;
        if (args.Count == 0 || args[0].Kind != ImapTokenKind.Atom)
        {
            error = "NOTIFY needs SET or NONE";
            return false;
        }

        var verb = args[0].Text.ToUpperInvariant();
        if (verb == "NONE")
        {
            if (args.Count != 1)
            {
                error = "NOTIFY NONE takes no arguments";
                return false;
            }

            return true;
        }

        if (verb != "SET")
        {
            error = "NOTIFY needs SET or NONE";
            return false;
        }

        var i = 1;
        var status = false;
        if (i < args.Count && args[i].Kind == ImapTokenKind.Atom && args[i].Text.Equals("STATUS", StringComparison.OrdinalIgnoreCase))
        {
            status = true;
            i++;
        }

        if (i >= args.Count)
        {
            error = "NOTIFY SET needs at least one event group";
            return false;
        }

        var groups = new List<NotifyEventGroup>();
        var mailboxes = 0;
        var selected = false;
        for (; i < args.Count; i++)
        {
            if (!TryParseGroup(args[i], out var group, out error, out badEvent))
            {
                return false;
            }

            // RFC 5465 §6.1: only one of SELECTED and SELECTED-DELAYED.
            if (group.Filter is NotifyFilter.Selected or NotifyFilter.SelectedDelayed)
            {
                if (selected)
                {
                    error = "Only one SELECTED or SELECTED-DELAYED event group";
                    return false;
                }

                selected = true;
            }

            mailboxes += Math.Max(1, group.Mailboxes.Count);
            if (mailboxes > MaxMailboxes)
            {
                error = "Too many mailboxes in NOTIFY";
                return false;
            }

            groups.Add(group);
        }

        request = new NotifyRequest(false, status, groups);
        return true;
    }

    private static bool TryParseGroup(ImapToken token, out NotifyEventGroup group, out string? error, out bool badEvent)
    {
        group = null!;
        error = "Invalid event group";
        badEvent = false;

        // event-group = "(" filter-mailboxes SP events ")"
        if (token.Kind != ImapTokenKind.List || token.Items.Count < 2 || token.Items[0].Kind != ImapTokenKind.Atom)
        {
            return false;
        }

        var items = token.Items;
        var filterName = items[0].Text.ToUpperInvariant();
        var filter = ParseFilter(filterName);
        if (filter < 0)
        {
            error = "Unknown mailbox filter " + items[0].Text;
            return false;
        }

        var next = 1;
        var names = new List<string>();
        if (filter is NotifyFilter.Subtree or NotifyFilter.Mailboxes && !TryReadMailboxes(items[next++], names, out error))
        {
            return false;
        }

        if (next >= items.Count)
        {
            error = "An event group is a filter and one event list";
            return false;
        }

        var eventsToken = items[next];
        if (next == items.Count - 1 && eventsToken.Kind == ImapTokenKind.Atom && eventsToken.Text.Equals("NONE", StringComparison.OrdinalIgnoreCase))
        {
            group = new NotifyEventGroup(filter, names, NotifyEvents.None, null);
            error = null;
            return true;
        }

        // events = "(" event *(SP event) ")"; RFC 5465 §3.1's own example writes the events without the parentheses,
        // so a group whose events follow the filter bare is read the same way.
        IReadOnlyList<ImapToken> list;
        if (next == items.Count - 1 && eventsToken.Kind == ImapTokenKind.List)
        {
            list = eventsToken.Items;
        }
        else
        {
            list = items.Skip(next).ToList();
        }

        if (list.Count == 0)
        {
            error = "Events must be a list or NONE";
            return false;
        }

        if (!TryParseEvents(list, filter, out var events, out var fetchAttributes, out error, out badEvent))
        {
            return false;
        }

        group = new NotifyEventGroup(filter, names, events, fetchAttributes);
        error = null;
        return true;
    }

    /// <summary>The mailbox filter an event group names (RFC 5465 §6), or -1.</summary>
    private static NotifyFilter ParseFilter(string name) =>
        name switch
        {
            "SELECTED" => NotifyFilter.Selected,
            "SELECTED-DELAYED" => NotifyFilter.SelectedDelayed,
            "INBOXES" => NotifyFilter.Inboxes,
            "PERSONAL" => NotifyFilter.Personal,
            "SUBSCRIBED" => NotifyFilter.Subscribed,
            "SUBTREE" => NotifyFilter.Subtree,
            "MAILBOXES" => NotifyFilter.Mailboxes,
            _ => (NotifyFilter)(-1),
        };

    /// <summary>The events of one group and the fetch attributes given with MessageNew (RFC 5465 §5, §8).</summary>
    private static bool TryParseEvents(IReadOnlyList<ImapToken> list, NotifyFilter filter, out NotifyEvents events, out string? fetchAttributes, out string? error, out bool badEvent)
    {
        events = NotifyEvents.None;
        fetchAttributes = null;
        error = null;
        badEvent = false;
        for (var e = 0; e < list.Count; e++)
        {
            if (list[e].Kind != ImapTokenKind.Atom)
            {
                error = "Invalid event";
                return false;
            }

            var name = list[e].Text.ToUpperInvariant();
            var value = name switch
            {
                "MESSAGENEW" => NotifyEvents.MessageNew,
                "MESSAGEEXPUNGE" => NotifyEvents.MessageExpunge,
                "FLAGCHANGE" => NotifyEvents.FlagChange,
                "ANNOTATIONCHANGE" => NotifyEvents.AnnotationChange,
                "MAILBOXNAME" => NotifyEvents.MailboxName,
                "SUBSCRIPTIONCHANGE" => NotifyEvents.SubscriptionChange,
                "MAILBOXMETADATACHANGE" => NotifyEvents.MailboxMetadataChange,
                "SERVERMETADATACHANGE" => NotifyEvents.ServerMetadataChange,
                _ => NotifyEvents.None,
            };
            if (value == NotifyEvents.None || (value & NotifyEvents.Supported) == 0)
            {
                // RFC 5465 §3.1: an unsupported event is refused with NO [BADEVENT (...)], not BAD.
                error = "Unsupported event " + list[e].Text;
                badEvent = true;
                return false;
            }

            // message-event = "MessageNew" [SP "(" fetch-att *(SP fetch-att) ")"]: only for SELECTED (§8).
            if (value == NotifyEvents.MessageNew && e + 1 < list.Count && list[e + 1].Kind == ImapTokenKind.List)
            {
                if (filter is not (NotifyFilter.Selected or NotifyFilter.SelectedDelayed) || list[e + 1].Items.Count == 0)
                {
                    error = "Fetch attributes are allowed only for SELECTED";
                    return false;
                }

                fetchAttributes = list[++e].ToString();
            }

            events |= value;
        }

        // RFC 5465 §5 asks for BAD when MessageNew and MessageExpunge are not named together, or FlagChange without
        // both. Dovecot accepts such groups and sends what was asked (imaptest's notify script relies on it), and a
        // client naming fewer events only gets fewer notifications, so they are accepted here too.

        // RFC 5465 §6.1: SELECTED and SELECTED-DELAYED take message events only.
        if (filter is NotifyFilter.Selected or NotifyFilter.SelectedDelayed && (events & ~NotifyEvents.MessageEvents) != 0)
        {
            error = "SELECTED takes message events only";
            return false;
        }

        return true;
    }

    /// <summary>one-or-more-mailbox = mailbox / "(" mailbox *(SP mailbox) ")" (RFC 5465 §8).</summary>
    private static bool TryReadMailboxes(ImapToken token, List<string> names, out string? error)
    {
        error = null;
        if (token.Kind != ImapTokenKind.List)
        {
            names.Add(token.Text);
            return true;
        }

        if (token.Items.Count == 0 || token.Items.Count > MaxMailboxes || token.Items.Any(m => m.Kind == ImapTokenKind.List))
        {
            error = "Invalid mailbox list";
            return false;
        }

        names.AddRange(token.Items.Select(m => m.Text));
        return true;
    }
}
