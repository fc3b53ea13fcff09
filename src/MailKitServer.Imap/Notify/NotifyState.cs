using MailKitServer.Imap.Fetch;
using MailKitServer.Imap.Parsing;
using MailKitServer.Imap.Session;
using MailKitServer.Storage;

namespace MailKitServer.Imap.Notify;

/// <summary>
/// What a NOTIFY SET asked for (RFC 5465), kept by the session until the next NOTIFY or the end of the connection:
/// the selected mailbox's message events (pushed between commands), the other mailboxes whose message events are
/// reported with STATUS (their change feeds wake the session), and MailboxName/SubscriptionChange, found by comparing
/// the mailbox list with the one last seen and reported with LIST.
/// </summary>
internal sealed class NotifyState : IAsyncDisposable
{
    /// <summary>How many mailboxes may be watched for message events; more is refused with NOTIFICATIONOVERFLOW (RFC 5465 §3.1).</summary>
    public const int MaxWatched = 256;

    private readonly List<WatchedMailbox> _watched;
    private readonly NotifyRequest _request;
    private Dictionary<string, MailboxInfo> _mailboxes;

    private NotifyState(NotifyRequest request, List<WatchedMailbox> watched, Dictionary<string, MailboxInfo> mailboxes, FetchRequest? newMessageFetch)
    {
        _request = request;
        _watched = watched;
        _mailboxes = mailboxes;
        NewMessageFetch = newMessageFetch;
        var selected = request.Groups.FirstOrDefault(g => g.Filter is NotifyFilter.Selected or NotifyFilter.SelectedDelayed);
        SelectedEvents = selected?.Events ?? NotifyEvents.None;
        SelectedDelayed = selected?.Filter == NotifyFilter.SelectedDelayed;
        NameEvents = request.Groups.Aggregate(NotifyEvents.None, (all, g) => all | g.Events) & (NotifyEvents.MailboxName | NotifyEvents.SubscriptionChange);
    }

    /// <summary>The message events wanted for the selected mailbox (none: no pushes between commands, RFC 5465 §3.1).</summary>
    public NotifyEvents SelectedEvents { get; }

    /// <summary>SELECTED-DELAYED: expunges wait for a command that allows them (RFC 5465 §6.1.2).</summary>
    public bool SelectedDelayed { get; }

    /// <summary>What MessageNew fetches for a new message in the selected mailbox, if anything (RFC 5465 §5.2).</summary>
    public FetchRequest? NewMessageFetch { get; }

    /// <summary>MailboxName and SubscriptionChange, when some group asks for them.</summary>
    public NotifyEvents NameEvents { get; }

    /// <summary>The mailboxes watched for message events.</summary>
    public IReadOnlyList<WatchedMailbox> Watched => _watched;

    /// <summary>
    /// Resolves the request's mailboxes and opens the watched ones; no state but the refusal's text when there
    /// are too many.
    /// </summary>
    /// <param name="session">The session, authenticated.</param>
    /// <param name="request">The parsed NOTIFY SET.</param>
    /// <param name="newMessageFetch">The SELECTED MessageNew fetch attributes, parsed.</param>
    /// <returns>The state, or null and the tagged NO's text.</returns>
    public static async ValueTask<(NotifyState? State, string? Refusal)> CreateAsync(ImapSession session, NotifyRequest request, FetchRequest? newMessageFetch)
    {
        var account = session.Account!;
        var list = await account.ListAsync(session.Aborted).ConfigureAwait(false);
        var events = new Dictionary<string, NotifyEvents>(StringComparer.Ordinal);
        foreach (var group in request.Groups.Where(g => g.Filter is not (NotifyFilter.Selected or NotifyFilter.SelectedDelayed)))
        {
            var messageEvents = group.Events & NotifyEvents.MessageEvents;
            if (messageEvents == NotifyEvents.None)
            {
                continue;
            }

            foreach (var mailbox in list.Where(m => Covers(session, group, m)))
            {
                events[mailbox.Name] = events.GetValueOrDefault(mailbox.Name) | messageEvents;
            }
        }

        if (events.Count > MaxWatched)
        {
            return (null, "[NOTIFICATIONOVERFLOW] Too many mailboxes to watch");
        }

        var watched = new List<WatchedMailbox>();
        foreach (var (name, wanted) in events)
        {
            if (await account.OpenAsync(name, readOnly: true, session.Aborted).ConfigureAwait(false) is { } view)
            {
                watched.Add(new WatchedMailbox(name, wanted, view));
            }
        }

        return (new NotifyState(request, watched, list.ToDictionary(m => m.Name, StringComparer.Ordinal), newMessageFetch), null);
    }

    /// <summary>NOTIFY SET STATUS: a STATUS for each watched mailbox but the selected one (RFC 5465 §3.1).</summary>
    /// <returns>A task.</returns>
    public async ValueTask WriteInitialStatusAsync(ImapSession session)
    {
        foreach (var mailbox in _watched)
        {
            if (!IsSelected(session, mailbox.Name) && await session.Account!.GetStatusAsync(mailbox.Name, session.Aborted).ConfigureAwait(false) is { } status)
            {
                session.Connection.Write(NotifyStatusItems.Format(session, status, NotifyStatusItems.Initial(mailbox.Events)));
            }
        }
    }

    /// <summary>Completes when a watched mailbox changed, or the selected one when its events are wanted.</summary>
    /// <param name="session">The session: the wait ends with its connection; its selected mailbox's feed counts when <paramref name="includeSelected"/>.</param>
    /// <param name="includeSelected">Whether the selected mailbox's feed counts.</param>
    /// <returns>The task.</returns>
    public Task WaitAsync(ImapSession session, bool includeSelected)
    {
        var waits = new List<Task>(_watched.Count + 1);
        foreach (var mailbox in _watched)
        {
            waits.Add(mailbox.View.Changes.WaitToReadAsync(session.Aborted).AsTask());
        }

        if (includeSelected && SelectedEvents != NotifyEvents.None && session.Selected is { Gone: false } selected && !selected.View.Changes.Completion.IsCompleted)
        {
            waits.Add(selected.View.Changes.WaitToReadAsync(session.Aborted).AsTask());
        }

        return waits.Count == 0 ? Task.Delay(Timeout.Infinite, session.Aborted) : Task.WhenAny(waits);
    }

    /// <summary>
    /// Between commands: the selected mailbox's updates when its events are wanted (EXPUNGE held under
    /// SELECTED-DELAYED; new messages' FETCH after their EXISTS), then the other mailboxes' events.
    /// </summary>
    /// <param name="session">The session: the updates are written to its connection.</param>
    /// <param name="idling">Whether IDLE is in progress (expunges may be sent then, RFC 5465 §6.1.2).</param>
    /// <returns>A task.</returns>
    public async ValueTask PushAsync(ImapSession session, bool idling)
    {
        if (SelectedEvents != NotifyEvents.None && session.Selected is { } selected)
        {
            var knownUpTo = selected.LargestUid;
            await session.SendUpdatesAsync(allowExpunge: idling || !SelectedDelayed).ConfigureAwait(false);
            if (NewMessageFetch is not null && (SelectedEvents & NotifyEvents.MessageNew) != 0)
            {
                var writer = new FetchResponseWriter(session, selected, NewMessageFetch);
                for (var i = 0; i < selected.Count; i++)
                {
                    if (selected[i].Uid > knownUpTo && !selected[i].Expunged)
                    {
                        await writer.WriteAsync(i, seenChanged: false).ConfigureAwait(false);
                    }
                }
            }
        }

        await ReportMailboxesAsync(session, ownChange: false).ConfigureAwait(false);
    }

    /// <summary>
    /// Reports the other mailboxes' message events with STATUS and, when asked for, mailboxes created, deleted or
    /// renamed (LIST, \NonExistent for a name gone) and subscriptions changed (LIST with or without \Subscribed).
    /// </summary>
    /// <param name="session">The session: the events are written to its connection.</param>
    /// <param name="ownChange">
    /// Whether this session's last command changed the mailbox list itself: then the list is taken as it is, without
    /// notifications (RFC 5465 §5: the server SHOULD NOT notify the client of its own changes).
    /// </param>
    /// <returns>A task.</returns>
    public async ValueTask ReportMailboxesAsync(ImapSession session, bool ownChange)
    {
        for (var w = _watched.Count - 1; w >= 0; w--)
        {
            var mailbox = _watched[w];
            var happened = NotifyEvents.None;
            while (mailbox.View.Changes.TryRead(out var change))
            {
                happened |= change.Kind switch
                {
                    MailboxChangeKind.Added => NotifyEvents.MessageNew,
                    MailboxChangeKind.Expunged => NotifyEvents.MessageExpunge,
                    MailboxChangeKind.FlagsChanged => NotifyEvents.FlagChange,
                    _ => NotifyEvents.None,
                };
            }

            if (mailbox.View.Changes.Completion.IsCompleted)
            {
                // Deleted or renamed away: MailboxName reports it; nothing more comes from this view.
                _watched.RemoveAt(w);
                await mailbox.View.DisposeAsync().ConfigureAwait(false);
                continue;
            }

            var items = NotifyStatusItems.Changed(mailbox.Events, happened, session.Enabled);
            if (items != StatusItems.None && !IsSelected(session, mailbox.Name) && await session.Account!.GetStatusAsync(mailbox.Name, session.Aborted).ConfigureAwait(false) is { } status)
            {
                session.Connection.Write(NotifyStatusItems.Format(session, status, items));
            }
        }

        if (NameEvents != NotifyEvents.None)
        {
            await ReportNamesAsync(session, ownChange).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var mailbox in _watched)
        {
            await mailbox.View.DisposeAsync().ConfigureAwait(false);
        }

        _watched.Clear();
    }

    private async ValueTask ReportNamesAsync(ImapSession session, bool ownChange)
    {
        var now = (await session.Account!.ListAsync(session.Aborted).ConfigureAwait(false)).ToDictionary(m => m.Name, StringComparer.Ordinal);
        var before = _mailboxes;
        _mailboxes = now;
        if (ownChange)
        {
            return;
        }

        var nameEvents = (NameEvents & NotifyEvents.MailboxName) != 0;
        var subscriptionEvents = (NameEvents & NotifyEvents.SubscriptionChange) != 0;
        foreach (var (name, info) in now)
        {
            var existed = before.TryGetValue(name, out var old);
            var report = (!existed && nameEvents && Wants(session, NotifyEvents.MailboxName, info))
                || (existed && subscriptionEvents && old!.IsSubscribed != info.IsSubscribed && Wants(session, NotifyEvents.SubscriptionChange, info));
            if (report)
            {
                // RFC 5465 §5.4, §5.5: a LIST with the attributes as they are now.
                session.Connection.Write(ListLine(session, info, nonExistent: false));
            }
        }

        foreach (var (name, info) in before)
        {
            if (!now.ContainsKey(name) && nameEvents && Wants(session, NotifyEvents.MailboxName, info))
            {
                session.Connection.Write(ListLine(session, info with { IsSubscribed = false }, nonExistent: true));
            }
        }
    }

    private bool Wants(ImapSession session, NotifyEvents nameEvent, MailboxInfo mailbox) =>
        _request.Groups.Any(g => (g.Events & nameEvent) != 0 && g.Filter is not (NotifyFilter.Selected or NotifyFilter.SelectedDelayed) && Covers(session, g, mailbox));

    private static string ListLine(ImapSession session, MailboxInfo info, bool nonExistent)
    {
        var attributes = new List<string>();
        if (nonExistent)
        {
            attributes.Add("\\NonExistent");
        }
        else
        {
            attributes.Add(info.HasChildren ? "\\HasChildren" : "\\HasNoChildren");
        }

        if (info.IsSubscribed)
        {
            attributes.Add("\\Subscribed");
        }

        return $"* LIST ({string.Join(' ', attributes)}) \"/\" {session.MailboxString(info.Name)}\r\n";
    }

    /// <summary>Whether an event group's filter takes in a mailbox (RFC 5465 §6.2-6.6).</summary>
    private static bool Covers(ImapSession session, NotifyEventGroup group, MailboxInfo mailbox) => group.Filter switch
    {
        // §6.3: "inboxes" is every personal mailbox where the server cannot tell where mail is delivered; here
        // sieve-less delivery goes to INBOX, but aliases and plus-addresses may file elsewhere, so all count.
        NotifyFilter.Personal or NotifyFilter.Inboxes => true,
        NotifyFilter.Subscribed => mailbox.IsSubscribed,
        NotifyFilter.Mailboxes => Names(session, group).Contains(mailbox.Name),
        NotifyFilter.Subtree => Names(session, group).Any(n => mailbox.Name == n || mailbox.Name.StartsWith(n + "/", StringComparison.Ordinal)),
        _ => false,
    };

    private static IEnumerable<string> Names(ImapSession session, NotifyEventGroup group)
    {
        foreach (var raw in group.Mailboxes)
        {
            // §6.6: no wildcard expansion; names are decoded as any mailbox argument (modified UTF-7 or UTF-8).
            if (session.TryMailboxName(ImapToken.Quoted(raw), out var name))
            {
                yield return name;
            }
        }
    }

    private static bool IsSelected(ImapSession session, string name) => session.Selected is { } selected && selected.Name == name;
}
