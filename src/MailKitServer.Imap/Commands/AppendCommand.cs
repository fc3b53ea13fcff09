using MailKitServer.Imap.Append;
using MailKitServer.Imap.Parsing;
using MailKitServer.Imap.Responses;
using MailKitServer.Imap.Session;
using MailKitServer.Storage;

namespace MailKitServer.Imap.Commands;

/// <summary>APPEND (RFC 9051 §6.3.12), MULTIAPPEND (RFC 3502), UIDPLUS APPENDUID (RFC 4315) and UTF8 (RFC 6855 §4).</summary>
internal sealed class AppendCommand() : ImapCommand("APPEND", CommandStates.LoggedIn)
{
    public override async ValueTask<bool> ExecuteAsync(ImapSession session, ImapRequest request)
    {
        // append = "APPEND" SP mailbox 1*(SP [flag-list SP] [date-time SP] literal)   (RFC 3501, MULTIAPPEND RFC 3502)
        var args = request.Arguments;
        var tag = request.Tag;
        var messages = new List<(SystemFlags Flags, List<string> Keywords, DateTimeOffset? Date, ImapToken Content)>();
        try
        {
            if (args.Count < 2 || args[0].Kind == ImapTokenKind.List)
            {
                return await session.BadAsync(tag, "Syntax: APPEND mailbox [(flags)] [date-time] literal").ConfigureAwait(false);
            }

            if (!session.TryMailboxName(args[0], out var name))
            {
                return session.No(tag, "[CANNOT] Invalid mailbox name");
            }

            var i = 1;
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
                            return await session.BadAsync(tag, "Invalid flag").ConfigureAwait(false);
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
                        return await session.BadAsync(tag, "Invalid date-time").ConfigureAwait(false);
                    }

                    date = d;
                    i++;
                }

                if (i + 1 < args.Count && args[i].Kind == ImapTokenKind.Atom && args[i].Text.Equals("UTF8", StringComparison.OrdinalIgnoreCase)
                    && args[i + 1].Kind == ImapTokenKind.List && args[i + 1].Items.Count == 1 && args[i + 1].Items[0].IsLiteral)
                {
                    // RFC 6855 §4: APPEND ... UTF8 (literal8) carries a message with UTF-8 headers.
                    messages.Add((flags, keywords, date, args[i + 1].Items[0]));
                    i += 2;
                    continue;
                }

                if (i >= args.Count || args[i].Kind != ImapTokenKind.String)
                {
                    return await session.BadAsync(tag, "Syntax: APPEND mailbox [(flags)] [date-time] literal").ConfigureAwait(false);
                }

                messages.Add((flags, keywords, date, args[i++]));
            }

            var uids = new List<uint>();
            uint validity = 0;
            foreach (var (flags, keywords, date, content) in messages)
            {
                // RFC 3516 §4.3: parts holding NUL (literal8) are stored base64-encoded, so BODY[] never carries NUL.
                using var converted = await BinaryPartConverter.ConvertAsync(content.OpenContent, session.Options.AppendLimit * 2, session.Aborted).ConfigureAwait(false);
                if (converted is { Overflowed: true })
                {
                    await UndoAsync(session, name, uids).ConfigureAwait(false);
                    return session.No(tag, "[TOOBIG] Message too large once its binary parts are encoded");
                }

                await using var stream = converted?.OpenRead() ?? content.OpenContent();
                var result = await session.Account!.AppendAsync(name, stream, flags, keywords, date, session.Aborted).ConfigureAwait(false);
                if (!result.Succeeded)
                {
                    // RFC 3502 §6.3.11: all or nothing — take back what this command already appended.
                    await UndoAsync(session, name, uids).ConfigureAwait(false);
                    return session.No(tag, result.Status == StoreStatus.NotFound ? "[TRYCREATE] No such mailbox" : StoreErrors.Text(result.Status, result.Message));
                }

                validity = result.UidValidity;
                uids.Add(result.Uid);
            }

            return session.Ok(tag, $"[APPENDUID {validity} {UidSet.FromUids(uids)}] APPEND completed");
        }
        finally
        {
            // Every spooled literal goes, whether or not the command got far enough to use it.
            foreach (var token in args.Concat(args.Where(a => a.Kind == ImapTokenKind.List).SelectMany(a => a.Items)))
            {
                token.LiteralSpool?.Dispose();
            }
        }
    }

    private static async ValueTask UndoAsync(ImapSession session, string mailbox, List<uint> uids)
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
