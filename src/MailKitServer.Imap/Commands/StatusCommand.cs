using MailKitServer.Imap.Acl;
using System.Globalization;
using MailKitServer.Imap.ObjectIds;
using MailKitServer.Imap.Parsing;
using MailKitServer.Imap.Session;
using MailKitServer.Storage;

namespace MailKitServer.Imap.Commands;

/// <summary>STATUS (RFC 9051 §6.3.11), with STATUS=SIZE (RFC 8438) and HIGHESTMODSEQ (RFC 7162 §3.1.7).</summary>
internal sealed class StatusCommand() : ImapCommand("STATUS", CommandStates.LoggedIn)
{
    public override async ValueTask<bool> ExecuteAsync(ImapSession session, ImapRequest request)
    {
        var args = request.Arguments;
        if (args.Count != 2 || args[1].Kind != ImapTokenKind.List || args[0].Kind == ImapTokenKind.List)
        {
            return await session.BadAsync(request.Tag, "Syntax: STATUS mailbox (items)").ConfigureAwait(false);
        }

        if (!session.TryMailboxName(args[0], out var name))
        {
            return session.No(request.Tag, "[NONEXISTENT] No such mailbox");
        }

        // RFC 4314 §4: STATUS needs "r".
        if (await MailboxAccess.DenyAsync(session, name, Storage.Acl.MailboxRights.Read).ConfigureAwait(false) is { } denied)
        {
            return session.No(request.Tag, denied);
        }

        if (await session.Account!.GetStatusAsync(name, session.Aborted).ConfigureAwait(false) is null)
        {
            return session.No(request.Tag, "[NONEXISTENT] No such mailbox");
        }

        return await WriteStatusAsync(session, name, args[1].Items).ConfigureAwait(false)
            ? session.Ok(request.Tag, "STATUS completed")
            : await session.BadAsync(request.Tag, "Unknown STATUS item").ConfigureAwait(false);
    }

    /// <summary>Writes one "* STATUS" response (STATUS, and LIST-STATUS of RFC 5819).</summary>
    /// <returns>False when an item is unknown.</returns>
    internal static async ValueTask<bool> WriteStatusAsync(ImapSession session, string name, IReadOnlyList<ImapToken> requested)
    {
        var status = await session.Account!.GetStatusAsync(name, session.Aborted).ConfigureAwait(false);
        if (status is null)
        {
            return true;
        }

        if (requested.Any(i => i.Text.Equals("HIGHESTMODSEQ", StringComparison.OrdinalIgnoreCase)))
        {
            // RFC 7162 §3.1: STATUS (HIGHESTMODSEQ) is a CONDSTORE enabling command.
            session.EnableCondStore();
        }

        var items = new List<string>();
        foreach (var item in requested)
        {
            var value = item.Text.ToUpperInvariant() switch
            {
                "MESSAGES" => status.Messages.ToString(CultureInfo.InvariantCulture),
                "RECENT" => (await CountUnclaimedAsync(session, name, status).ConfigureAwait(false)).ToString(CultureInfo.InvariantCulture),
                "UIDNEXT" => status.UidNext.ToString(CultureInfo.InvariantCulture),
                "UIDVALIDITY" => status.UidValidity.ToString(CultureInfo.InvariantCulture),
                "UNSEEN" => status.Unseen.ToString(CultureInfo.InvariantCulture),
                "SIZE" => status.Size.ToString(CultureInfo.InvariantCulture),
                "DELETED" => status.Deleted.ToString(CultureInfo.InvariantCulture),
                "HIGHESTMODSEQ" => status.HighestModSeq.ToString(CultureInfo.InvariantCulture),

                // RFC 9208 §4.2.1: the storage the \Deleted messages take, in units of 1024 octets.
                "DELETED-STORAGE" => (await DeletedStorageAsync(session, name).ConfigureAwait(false)).ToString(CultureInfo.InvariantCulture),

                // RFC 8474 §4.3: MAILBOXID (id) when the account keeps object ids (else an unknown item).
                "MAILBOXID" => await MailboxIds.CodeAsync(session, name).ConfigureAwait(false) is { } code ? code["MAILBOXID ".Length..] : null,
                _ => null,
            };
            if (value is null)
            {
                return false;
            }

            items.Add(item.Text.ToUpperInvariant() + " " + value);
        }

        session.Connection.Write($"* STATUS {session.MailboxString(name)} ({string.Join(' ', items)})\r\n");
        return true;
    }

    /// <summary>STATUS DELETED-STORAGE: the octets of the \Deleted messages in KiB, rounded up.</summary>
    private static async ValueTask<long> DeletedStorageAsync(ImapSession session, string name)
    {
        var view = await session.Account!.OpenAsync(name, readOnly: true, session.Aborted).ConfigureAwait(false);
        if (view is null)
        {
            return 0;
        }

        await using (view.ConfigureAwait(false))
        {
            return (view.Messages.Where(m => (m.Flags & SystemFlags.Deleted) != 0).Sum(m => m.Size) + 1023) / 1024;
        }
    }

    /// <summary>STATUS RECENT: the messages no session has been told about yet (RFC 3501 §6.3.10).</summary>
    private static async ValueTask<int> CountUnclaimedAsync(ImapSession session, string name, MailboxStatus status)
    {
        var claimed = RecentTracker.For(session.Context).Claimed(RecentTracker.Key(session.UserId, name, status.UidValidity));
        if (status.Messages == 0 || status.UidNext - 1 <= claimed)
        {
            return 0;
        }

        var view = await session.Account!.OpenAsync(name, readOnly: true, session.Aborted).ConfigureAwait(false);
        if (view is null)
        {
            return 0;
        }

        await using (view.ConfigureAwait(false))
        {
            return view.Messages.Count(m => m.Uid > claimed);
        }
    }
}
