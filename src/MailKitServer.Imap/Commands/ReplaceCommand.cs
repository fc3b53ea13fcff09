using MailKitServer.Imap.Acl;
using MailKitServer.Imap.Parsing;
using MailKitServer.Imap.Responses;
using MailKitServer.Imap.Session;
using MailKitServer.Storage;
using AppendItem = (MailKitServer.Storage.SystemFlags Flags, System.Collections.Generic.List<string> Keywords, System.DateTimeOffset? Date, MailKitServer.Imap.Parsing.ImapToken Content, bool Catenate);

namespace MailKitServer.Imap.Commands;

/// <summary>
/// REPLACE and UID REPLACE (RFC 8508): APPEND of a new message to a mailbox (any of the user's, TRYCREATE and the
/// other APPEND codes as APPEND gives them; CATENATE and UTF8 too, RFC 8508 §4.2) and the removal of one message of
/// the selected mailbox, as one action: the old message goes only once the new one is stored, and whatever its
/// flags, without touching other \Deleted messages. "* OK [APPENDUID ...]" comes first, then the EXISTS (when the
/// target is the selected mailbox) and the EXPUNGE.
/// </summary>
/// <remarks>RFC 8508 §3.4: the quota counts net of the replaced message when both are in the user's own quota root.</remarks>
internal sealed class ReplaceCommand() : ImapCommand("REPLACE", CommandStates.Selected)
{
    private const string Syntax = "Syntax: REPLACE number mailbox [(flags)] [date-time] literal";

    public override bool HasUidForm => true;

    public override async ValueTask<bool> ExecuteAsync(ImapSession session, ImapRequest request)
    {
        var args = request.Arguments;
        var tag = request.Tag;
        try
        {
            // replace = "REPLACE" SP seq-number SP mailbox append-message  (RFC 8508 §6; uid-replace with a UID)
            if (args.Count < 3 || args[0].Kind != ImapTokenKind.Atom || !ImapNumber.TryParseNzNumber(args[0].Text, out var number) || args[1].Kind == ImapTokenKind.List)
            {
                return await session.BadAsync(tag, Syntax).ConfigureAwait(false);
            }

            var messages = new List<AppendItem>();
            var bad = AppendCommand.ParseMessages(args, 2, messages);
            if (bad is not null || messages.Count != 1)
            {
                return await session.BadAsync(tag, bad ?? Syntax).ConfigureAwait(false);
            }

            var selected = session.Selected!;
            int index;
            if (request.Uid)
            {
                index = selected.IndexOfUid(number);
                if (index < 0 || selected[index].Expunged)
                {
                    return session.No(tag, "[NONEXISTENT] No message with that UID");
                }
            }
            else if (number > selected.Count)
            {
                return await session.BadAsync(tag, "Invalid message sequence number").ConfigureAwait(false);
            }
            else
            {
                index = (int)number - 1;
            }

            if (selected.ReadOnly)
            {
                // The old message could not be removed: nothing is appended either.
                return session.No(tag, "[READ-ONLY] The mailbox is read-only");
            }

            if (!MailboxAccess.Allows(selected, Storage.Acl.MailboxRights.DeleteMessages | Storage.Acl.MailboxRights.Expunge))
            {
                // RFC 8508 §3.3 and RFC 4314 §4: the old message is expunged, so "t" and "e" on the source as for MOVE
                // ("i" on the target is checked where the new one is stored).
                return session.No(tag, MailboxAccess.NoPermission);
            }

            if (!session.TryMailboxName(args[1], out var name))
            {
                return session.No(tag, "[CANNOT] Invalid mailbox name");
            }

            var uid = selected[index].Uid;
            var replaced = InOwnQuotaRoot(session, selected.Name) && InOwnQuotaRoot(session, name) ? selected[index].Info.Size : (long?)null;
            var (result, refusal) = await AppendCommand.StoreAsync(session, name, messages[0], replaced).ConfigureAwait(false);
            if (result is null)
            {
                return session.No(tag, refusal!);
            }

            session.Connection.Write($"* OK [APPENDUID {result.UidValidity} {result.Uid}] Replacement message ready\r\n");

            // RFC 8508 §3.4: only the replaced message goes, \Deleted or not.
            await selected.View.RemoveAsync(UidSet.FromUids([uid]), session.Aborted).ConfigureAwait(false);
            return session.Ok(tag, "REPLACE completed");
        }
        finally
        {
            AppendCommand.DisposeSpools(args);
        }
    }

    /// <summary>
    /// Whether a mailbox counts against the user's own quota root: every mailbox without shared namespaces, else the
    /// personal ones (another owner's or a public mailbox has its own root, so replacing there frees nothing here).
    /// </summary>
    private static bool InOwnQuotaRoot(ImapSession session, string name) =>
        session.Account is not NamespacedAccount namespaced || namespaced.Locate(name).Kind == MailboxLocationKind.Personal;
}
