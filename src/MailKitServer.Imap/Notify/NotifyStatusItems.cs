using System.Globalization;
using System.Text;
using MailKitServer.Imap.Session;
using MailKitServer.Storage;

namespace MailKitServer.Imap.Notify;

/// <summary>Which STATUS items tell a client of message events in a mailbox other than the selected one (RFC 5465 §3.1, §5.1-5.3).</summary>
internal static class NotifyStatusItems
{
    /// <summary>The items of the STATUS that NOTIFY SET STATUS sends first (RFC 5465 §3.1).</summary>
    /// <param name="events">The message events watched.</param>
    /// <returns>The items, in the order they are written.</returns>
    public static StatusItems Initial(NotifyEvents events)
    {
        var items = StatusItems.None;
        if ((events & NotifyEvents.MessageNew) != 0)
        {
            // "If MessageNew is enabled, the STATUS response MUST contain MESSAGES, UIDNEXT, and UIDVALIDITY."
            items |= StatusItems.Messages | StatusItems.UidNext | StatusItems.UidValidity;
        }

        if ((events & NotifyEvents.MessageExpunge) != 0)
        {
            items |= StatusItems.Messages;
        }

        if ((events & NotifyEvents.FlagChange) != 0)
        {
            // This server supports CONDSTORE, so UIDVALIDITY and HIGHESTMODSEQ.
            items |= StatusItems.UidValidity | StatusItems.HighestModSeq;
        }

        return items;
    }

    /// <summary>The items of the STATUS sent when events happened (RFC 5465 §5.1-5.3).</summary>
    /// <param name="watched">The events watched.</param>
    /// <param name="happened">The events that happened.</param>
    /// <param name="enabled">The session's extensions (HIGHESTMODSEQ with CONDSTORE/QRESYNC).</param>
    /// <returns>The items; none when nothing watched happened.</returns>
    public static StatusItems Changed(NotifyEvents watched, NotifyEvents happened, ImapExtensions enabled)
    {
        var relevant = watched & happened;
        var condStore = (enabled & (ImapExtensions.CondStore | ImapExtensions.QResync)) != 0;
        var items = StatusItems.None;
        if ((relevant & (NotifyEvents.MessageNew | NotifyEvents.MessageExpunge)) != 0)
        {
            // §5.2, §5.3: STATUS (UIDNEXT MESSAGES), with HIGHESTMODSEQ once CONDSTORE/QRESYNC is enabled.
            items |= StatusItems.Messages | StatusItems.UidNext | (condStore ? StatusItems.HighestModSeq : StatusItems.None);
        }

        if ((relevant & NotifyEvents.FlagChange) != 0)
        {
            // §5.1: HIGHESTMODSEQ and UIDVALIDITY with CONDSTORE; UNSEEN (which the server MAY send) without.
            items |= condStore ? StatusItems.HighestModSeq | StatusItems.UidValidity : StatusItems.UidValidity | StatusItems.Unseen;
        }

        return items;
    }

    /// <summary>Formats "* STATUS name (...)".</summary>
    /// <param name="session">The session (mailbox name encoding).</param>
    /// <param name="status">The mailbox's counters.</param>
    /// <param name="items">The STATUS items the client asked for; only those are written.</param>
    /// <returns>The line with CRLF.</returns>
    public static string Format(ImapSession session, MailboxStatus status, StatusItems items)
    {
        var parts = new List<string>();
        Add(StatusItems.Messages, "MESSAGES", status.Messages);
        Add(StatusItems.UidNext, "UIDNEXT", status.UidNext);
        Add(StatusItems.UidValidity, "UIDVALIDITY", status.UidValidity);
        Add(StatusItems.Unseen, "UNSEEN", status.Unseen);
        Add(StatusItems.HighestModSeq, "HIGHESTMODSEQ", status.HighestModSeq);
        return new StringBuilder("* STATUS ").Append(session.MailboxString(status.Name)).Append(" (").AppendJoin(' ', parts).Append(")\r\n").ToString();

        void Add(StatusItems item, string name, IFormattable value)
        {
            if ((items & item) != 0)
            {
                parts.Add(name + " " + value.ToString(null, CultureInfo.InvariantCulture));
            }
        }
    }
}
