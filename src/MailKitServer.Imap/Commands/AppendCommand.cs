using MailKitServer.Imap.Acl;
using MailKitServer.Imap.Append;
using MailKitServer.Imap.Catenate;
using MailKitServer.Imap.Parsing;
using MailKitServer.Imap.Responses;
using MailKitServer.Imap.Session;
using MailKitServer.Runtime;
using MailKitServer.Storage;
using AppendItem = (MailKitServer.Storage.SystemFlags Flags, System.Collections.Generic.List<string> Keywords, System.DateTimeOffset? Date, MailKitServer.Imap.Parsing.ImapToken Content, bool Catenate);

namespace MailKitServer.Imap.Commands;

/// <summary>
/// APPEND (RFC 9051 §6.3.12), MULTIAPPEND (RFC 3502), UIDPLUS APPENDUID (RFC 4315), UTF8 (RFC 6855 §4) and CATENATE
/// (RFC 4469: a message built from literals and URLs of the user's messages, alone or among MULTIAPPEND's messages).
/// </summary>
internal sealed class AppendCommand() : ImapCommand("APPEND", CommandStates.LoggedIn)
{
    private const string Syntax = "Syntax: APPEND mailbox [(flags)] [date-time] literal";

    public override async ValueTask<bool> ExecuteAsync(ImapSession session, ImapRequest request)
    {
        // append = "APPEND" SP mailbox 1*(SP [flag-list SP] [date-time SP] literal)   (RFC 3501, MULTIAPPEND RFC 3502)
        var args = request.Arguments;
        var tag = request.Tag;
        try
        {
            if (args.Count < 2 || args[0].Kind == ImapTokenKind.List)
            {
                return await session.BadAsync(tag, Syntax).ConfigureAwait(false);
            }

            if (!session.TryMailboxName(args[0], out var name))
            {
                return session.No(tag, "[CANNOT] Invalid mailbox name");
            }

            var messages = new List<AppendItem>();
            if (ParseMessages(args, 1, messages) is { } bad)
            {
                return await session.BadAsync(tag, bad).ConfigureAwait(false);
            }

            if (messages.Exists(m => m.Catenate) && await session.Account!.GetStatusAsync(name, session.Aborted).ConfigureAwait(false) is null)
            {
                // A missing mailbox is reported as such even when a URL is bad too (as Dovecot does).
                return session.No(tag, "[TRYCREATE] No such mailbox");
            }

            // RFC 4314 §4: APPEND needs "i"; the flags it may set depend on "s", "t" and "w".
            var rights = await MailboxAccess.RightsAsync(session, name).ConfigureAwait(false);
            if (MailboxAccess.Refusal(rights, Storage.Acl.MailboxRights.Insert) is { } denied)
            {
                return session.No(tag, denied);
            }

            return await AppendAllAsync(session, tag, name, messages).ConfigureAwait(false);
        }
        finally
        {
            DisposeSpools(args);
        }
    }

    /// <summary>Every spooled literal of the command goes, whether or not the command got far enough to use it.</summary>
    internal static void DisposeSpools(IReadOnlyList<ImapToken> args)
    {
        foreach (var token in args.Concat(args.Where(a => a.Kind == ImapTokenKind.List).SelectMany(a => a.Items)))
        {
            token.LiteralSpool?.Dispose();
        }
    }

    /// <summary>
    /// Reads the messages after the mailbox name; returns the BAD text when the syntax is wrong. A literal is kept as
    /// its token; a CATENATE list is checked here and assembled only once the whole command is known to be valid.
    /// </summary>
    internal static string? ParseMessages(IReadOnlyList<ImapToken> args, int start, List<AppendItem> messages)
    {
        var i = start;
        while (i < args.Count)
        {
            var flags = SystemFlags.None;
            var keywords = new List<string>();
            if (args[i].Kind == ImapTokenKind.List)
            {
                foreach (var f in args[i].Items)
                {
                    if (!ImapFormat.TryParseFlag(f.Text, out var flag, out var keyword))
                    {
                        return "Invalid flag";
                    }

                    flags |= flag;
                    if (keyword is not null)
                    {
                        keywords.Add(keyword);
                    }
                }

                i++;
            }

            DateTimeOffset? date = null;
            if (i < args.Count && args[i].Kind == ImapTokenKind.String && !args[i].IsLiteral)
            {
                if (!ImapFormat.TryParseDateTime(args[i].Text, out var d))
                {
                    return "Invalid date-time";
                }

                date = d;
                i++;
            }

            if (i + 1 < args.Count && args[i].Kind == ImapTokenKind.Atom && args[i].Text.Equals("UTF8", StringComparison.OrdinalIgnoreCase)
                && args[i + 1].Kind == ImapTokenKind.List && args[i + 1].Items.Count == 1 && args[i + 1].Items[0].IsLiteral)
            {
                // RFC 6855 §4: APPEND ... UTF8 (literal8) carries a message with UTF-8 headers.
                messages.Add(new AppendItem(flags, keywords, date, args[i + 1].Items[0], false));
                i += 2;
                continue;
            }

            if (i + 1 < args.Count && args[i].Kind == ImapTokenKind.Atom && args[i].Text.Equals("CATENATE", StringComparison.OrdinalIgnoreCase))
            {
                // RFC 4469 §5: append-data =/ "CATENATE" SP "(" cat-part *(SP cat-part) ")"
                if (CatenateAssembler.Validate(args[i + 1]) is { } invalid)
                {
                    return invalid;
                }

                messages.Add(new AppendItem(flags, keywords, date, args[i + 1], true));
                i += 2;
                continue;
            }

            if (i >= args.Count || args[i].Kind != ImapTokenKind.String)
            {
                return Syntax;
            }

            messages.Add(new AppendItem(flags, keywords, date, args[i++], false));
        }

        return null;
    }

    /// <summary>Stores the messages in order; RFC 3502 §6.3.11: all or nothing.</summary>
    private static async ValueTask<bool> AppendAllAsync(ImapSession session, string tag, string name, List<AppendItem> messages)
    {
        var uids = new List<uint>();
        uint validity = 0;
        foreach (var message in messages)
        {
            var (result, refusal) = await StoreAsync(session, name, message).ConfigureAwait(false);
            if (result is null)
            {
                // Take back what this command already appended.
                await RemoveAppendedAsync(session, name, uids).ConfigureAwait(false);
                return session.No(tag, refusal!);
            }

            validity = result.UidValidity;
            uids.Add(result.Uid);
        }

        return session.Ok(tag, $"[APPENDUID {validity} {UidSet.FromUids(uids)}] APPEND completed");
    }

    /// <summary>
    /// Stores one message (assembled first when CATENATE); the refusal is the NO text when it fails. With
    /// <paramref name="replaced"/> (REPLACE of a message in the same quota root, of that size) the quota counts net of
    /// it (RFC 8508 §3.4).
    /// </summary>
    internal static async ValueTask<(AppendResult? Result, string? Refusal)> StoreAsync(ImapSession session, string name, AppendItem message, long? replaced = null)
    {
        var (flags, keywords, date, content, catenate) = message;
        MessageSpool? built = null;
        if (catenate)
        {
            (built, var refusal) = await CatenateAssembler.AssembleAsync(session, content).ConfigureAwait(false);
            if (built is null)
            {
                return (null, refusal!);
            }
        }

        using var owned = built;
        Func<Stream> open = built is null ? content.OpenContent : () => built.OpenRead();

        // RFC 3516 §4.3: parts holding NUL (literal8) are stored base64-encoded, so BODY[] never carries NUL.
        using var converted = await BinaryPartConverter.ConvertAsync(open, session.Options.AppendLimit * 2, session.Aborted).ConfigureAwait(false);
        if (converted is { Overflowed: true })
        {
            return (null, "[TOOBIG] Message too large once its binary parts are encoded");
        }

        await using var stream = converted?.OpenRead() ?? open();
        // RFC 4314 §4: only the flags the rights on the target allow are stored.
        var (permittedFlags, permittedKeywords) = MailboxAccess.Permitted(await MailboxAccess.RightsAsync(session, name).ConfigureAwait(false), flags, keywords);
        var result = replaced is { } size && MailboxAccess.OwnAccount(session.Account) is IQuotaMailAccount quota
            ? await quota.AppendReplacingAsync(name, stream, permittedFlags, permittedKeywords, date, size, session.Aborted).ConfigureAwait(false)
            : await session.Account!.AppendAsync(name, stream, permittedFlags, permittedKeywords, date, session.Aborted).ConfigureAwait(false);
        return result.Succeeded
            ? (result, null)
            : (null, result.Status == StoreStatus.NotFound ? "[TRYCREATE] No such mailbox" : StoreErrors.Text(result.Status, result.Message));
    }

    /// <summary>Takes back messages a failed multi-message command appended (APPEND, a COPY or MOVE across trees): all or nothing.</summary>
    /// <param name="session">The session (its account names the mailbox).</param>
    /// <param name="mailbox">The mailbox they were appended to.</param>
    /// <param name="uids">Their UIDs there; none is fine.</param>
    /// <returns>A task.</returns>
    internal static async ValueTask RemoveAppendedAsync(ImapSession session, string mailbox, List<uint> uids)
    {
        if (uids.Count == 0)
        {
            return;
        }

        await using var view = await session.Account!.OpenAsync(mailbox, readOnly: false, session.Aborted).ConfigureAwait(false);
        if (view is not null)
        {
            await view.RemoveAsync(UidSet.FromUids(uids), session.Aborted).ConfigureAwait(false);
        }
    }
}
