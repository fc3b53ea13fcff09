using MailKitServer.Imap.Fetch;
using MailKitServer.Imap.Notify;
using MailKitServer.Imap.Parsing;
using MailKitServer.Imap.Session;

namespace MailKitServer.Imap.Commands;

/// <summary>
/// NOTIFY SET and NOTIFY NONE (RFC 5465 §3.1): which events the server reports, at any time, about the selected
/// mailbox and others. The session pushes them between commands and during IDLE (<see cref="NotifyState"/>).
/// </summary>
internal sealed class NotifyCommand() : ImapCommand("NOTIFY", CommandStates.LoggedIn)
{
    public override async ValueTask<bool> ExecuteAsync(ImapSession session, ImapRequest request)
    {
        var args = request.Arguments;
        var tag = request.Tag;
        if (!NotifyRequest.TryParse(args, out var parsed, out var error, out var badEvent))
        {
            // RFC 5465 §3.1: an unsupported event is a NO with BADEVENT listing the supported ones, not a BAD.
            return badEvent
                ? session.No(tag, $"[BADEVENT ({NotifyRequest.SupportedEventNames})] {error}")
                : await session.BadAsync(tag, error ?? "Invalid NOTIFY").ConfigureAwait(false);
        }

        FetchRequest? fetch = null;
        if (FetchAttributes(args) is { } attributes)
        {
            if (!FetchRequest.TryParse(attributes, null, uid: false, out var parsedFetch, out var fetchError))
            {
                return await session.BadAsync(tag, fetchError ?? "Invalid MessageNew fetch attributes").ConfigureAwait(false);
            }

            fetch = parsedFetch;
        }

        NotifyState? state = null;
        if (!parsed.IsNone)
        {
            (state, var refusal) = await NotifyState.CreateAsync(session, parsed, fetch).ConfigureAwait(false);
            if (state is null)
            {
                return session.No(tag, refusal!);
            }
        }

        // The new request replaces the old one (RFC 5465 §3.1), whether SET or NONE.
        if (session.Notify is { } previous)
        {
            session.Notify = null;
            await previous.DisposeAsync().ConfigureAwait(false);
        }

        session.Notify = state;
        if (parsed.Status && state is not null)
        {
            await state.WriteInitialStatusAsync(session).ConfigureAwait(false);
        }

        // "A successful NOTIFY SET command implies an implicit NOOP": Ok sends the selected mailbox's pending changes.
        return session.Ok(tag, "NOTIFY completed");
    }

    /// <summary>The fetch-att list after MessageNew in the SELECTED or SELECTED-DELAYED group (RFC 5465 §8), if any.</summary>
    private static ImapToken? FetchAttributes(IReadOnlyList<ImapToken> args)
    {
        foreach (var group in args.Where(a => a.Kind == ImapTokenKind.List && a.Items.Count >= 2 && a.Items[0].Kind == ImapTokenKind.Atom))
        {
            var filter = group.Items[0].Text;
            if (!filter.Equals("SELECTED", StringComparison.OrdinalIgnoreCase) && !filter.Equals("SELECTED-DELAYED", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            // The events are a list, or (as in RFC 5465's own example) follow the filter bare.
            var events = group.Items.Count == 2 && group.Items[1].Kind == ImapTokenKind.List ? group.Items[1].Items : group.Items.Skip(1).ToList();
            for (var i = 0; i + 1 < events.Count; i++)
            {
                if (events[i].Kind == ImapTokenKind.Atom && events[i].Text.Equals("MessageNew", StringComparison.OrdinalIgnoreCase) && events[i + 1].Kind == ImapTokenKind.List)
                {
                    return events[i + 1];
                }
            }
        }

        return null;
    }
}
