using MailKitServer.Imap.Parsing;
using MailKitServer.Runtime;
using MailKitServer.Storage;

namespace MailKitServer.Imap.Session;

/// <summary>APPEND, STORE, COPY, MOVE, EXPUNGE, CLOSE, UNSELECT and IDLE.</summary>
internal sealed partial class ImapSession
{
    private async ValueTask<bool> AppendAsync(string tag, IReadOnlyList<ImapToken> args)
    {
        // append = "APPEND" SP mailbox 1*(SP [flag-list SP] [date-time SP] literal)   (RFC 3501, MULTIAPPEND RFC 3502)
        if (args.Count < 2 || !TryMailboxName(args[0], out var name))
        {
            return await BadAsync(tag, "Syntax: APPEND mailbox [(flags)] [date-time] literal").ConfigureAwait(false);
        }

        var messages = new List<(MessageFlags Flags, List<string> Keywords, DateTimeOffset? Date, ImapToken Content)>();
        try
        {
            var i = 1;
            while (i < args.Count)
            {
                var flags = MessageFlags.None;
                var keywords = new List<string>();
                if (args[i].Kind == ImapTokenKind.List)
                {
                    foreach (var f in args[i].Items)
                    {
                        if (!ImapFormat.TryParseFlag(f.Text, out var flag, out var keyword))
                        {
                            return await BadAsync(tag, "Invalid flag").ConfigureAwait(false);
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
                        return await BadAsync(tag, "Invalid date-time").ConfigureAwait(false);
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
                    return await BadAsync(tag, "Syntax: APPEND mailbox [(flags)] [date-time] literal").ConfigureAwait(false);
                }

                messages.Add((flags, keywords, date, args[i++]));
            }

            var uids = new List<uint>();
            uint validity = 0;
            foreach (var (flags, keywords, date, content) in messages)
            {
                await using var stream = content.OpenContent();
                var result = await _account!.AppendAsync(name, stream, flags, keywords, date, _connection.Aborted).ConfigureAwait(false);
                if (!result.Succeeded)
                {
                    // RFC 3502 §6.3.11: all or nothing — take back what this command already appended.
                    await UndoAppendsAsync(name, uids).ConfigureAwait(false);
                    return No(tag, result.Status == StoreStatus.NotFound ? "[TRYCREATE] No such mailbox" : StoreError(result.Status, result.Message));
                }

                validity = result.UidValidity;
                uids.Add(result.Uid);
            }

            return Ok(tag, $"[APPENDUID {validity} {UidSet.FromUids(uids)}] APPEND completed");
        }
        finally
        {
            foreach (var m in messages)
            {
                m.Content.LiteralSpool?.Dispose();
            }
        }
    }

    private async ValueTask UndoAppendsAsync(string mailbox, List<uint> uids)
    {
        if (uids.Count == 0)
        {
            return;
        }

        await using var view = await _account!.OpenAsync(mailbox, readOnly: false, _connection.Aborted).ConfigureAwait(false);
        if (view is not null)
        {
            await view.RemoveAsync(UidSet.FromUids(uids), _connection.Aborted).ConfigureAwait(false);
        }
    }

    private async ValueTask<bool> StoreAsync(string tag, bool uid, IReadOnlyList<ImapToken> args)
    {
        if (args.Count < 3 || !SequenceSet.TryParse(args[0].Text, out var set) || args[1].Kind != ImapTokenKind.Atom)
        {
            return await BadAsync(tag, "Syntax: STORE set [+|-]FLAGS[.SILENT] (flags)").ConfigureAwait(false);
        }

        var item = args[1].Text.ToUpperInvariant();
        var silent = item.EndsWith(".SILENT", StringComparison.Ordinal);
        var mode = item[0] switch
        {
            '+' => FlagChangeMode.Add,
            '-' => FlagChangeMode.Remove,
            _ => FlagChangeMode.Replace,
        };
        if (item.TrimStart('+', '-').Replace(".SILENT", string.Empty, StringComparison.Ordinal) != "FLAGS")
        {
            return await BadAsync(tag, "Unknown STORE item").ConfigureAwait(false);
        }

        var flagTokens = args.Count == 3 && args[2].Kind == ImapTokenKind.List ? args[2].Items : args.Skip(2).ToList();
        var flags = MessageFlags.None;
        var keywords = new List<string>();
        foreach (var f in flagTokens)
        {
            if (!ImapFormat.TryParseFlag(f.Text, out var flag, out var keyword))
            {
                return await BadAsync(tag, "Invalid flag").ConfigureAwait(false);
            }

            flags |= flag;
            if (keyword is not null)
            {
                keywords.Add(keyword);
            }
        }

        if (!ValidateSet(set, uid))
        {
            return await BadAsync(tag, "Invalid message sequence number").ConfigureAwait(false);
        }

        if (_selected!.ReadOnly)
        {
            return No(tag, "[READ-ONLY] Mailbox is read-only");
        }

        var indexes = _selected.Resolve(set, uid);
        var result = await _selected.View.StoreFlagsAsync(UidSet.FromUids(indexes.Select(i => _selected.Messages[i].Uid)), new FlagChange(mode, flags, keywords), null, _connection.Aborted).ConfigureAwait(false);
        foreach (var info in result.Changed)
        {
            _selected.Update(info);
            if (!silent)
            {
                var seq = _selected.IndexOfUid(info.Uid) + 1;
                _connection.Write(uid ? $"* {seq} FETCH (UID {info.Uid} FLAGS {FlagsOf(info)})\r\n" : $"* {seq} FETCH (FLAGS {FlagsOf(info)})\r\n");
            }
        }

        return Ok(tag, "STORE completed");
    }

    private async ValueTask<bool> CopyAsync(string tag, bool uid, IReadOnlyList<ImapToken> args, bool move)
    {
        var command = move ? "MOVE" : "COPY";
        if (args.Count != 2 || !SequenceSet.TryParse(args[0].Text, out var set))
        {
            return await BadAsync(tag, $"Syntax: {command} set mailbox").ConfigureAwait(false);
        }

        if (!TryMailboxName(args[1], out var target))
        {
            return No(tag, "[CANNOT] Invalid mailbox name");
        }

        if (!ValidateSet(set, uid))
        {
            return await BadAsync(tag, "Invalid message sequence number").ConfigureAwait(false);
        }

        var uids = _selected!.Resolve(set, uid).Select(i => _selected.Messages[i].Uid).ToList();
        var result = await _selected.View.CopyAsync(UidSet.FromUids(uids), target, move, _connection.Aborted).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            return No(tag, result.Status == StoreStatus.NotFound ? "[TRYCREATE] No such mailbox" : StoreError(result.Status, result.Message));
        }

        // RFC 4315 COPYUID; for MOVE (RFC 6851 §4.3) it goes in an untagged OK before the EXPUNGEs.
        var code = result.SourceUids.Count == 0 ? string.Empty : $"[COPYUID {result.UidValidity} {UidSet.FromUids(result.SourceUids)} {UidSet.FromUids(result.TargetUids)}] ";
        if (move)
        {
            if (code.Length > 0)
            {
                _connection.Write($"* OK {code}Moved\r\n");
            }

            _expungeAllowed = true;
            return Ok(tag, "MOVE completed");
        }

        return Ok(tag, code + "COPY completed");
    }

    private async ValueTask<bool> ExpungeAsync(string tag, bool uid, IReadOnlyList<ImapToken> args)
    {
        UidSet? limit = null;
        if (uid)
        {
            // RFC 4315 UID EXPUNGE.
            if (args.Count != 1 || !SequenceSet.TryParse(args[0].Text, out var set))
            {
                return await BadAsync(tag, "Syntax: UID EXPUNGE set").ConfigureAwait(false);
            }

            limit = UidSet.FromUids(_selected!.Resolve(set, byUid: true).Select(i => _selected.Messages[i].Uid));
        }

        if (_selected!.ReadOnly)
        {
            return No(tag, "[READ-ONLY] Mailbox is read-only");
        }

        var result = await _selected.View.ExpungeAsync(limit, _connection.Aborted).ConfigureAwait(false);
        return result.Status == StoreStatus.Success ? Ok(tag, "EXPUNGE completed") : No(tag, StoreError(result.Status, null));
    }

    private async ValueTask<bool> CloseAsync(string tag, bool expunge)
    {
        var selected = _selected!;
        if (expunge && !selected.ReadOnly)
        {
            // RFC 3501 §6.4.2: CLOSE expunges silently.
            await selected.View.ExpungeAsync(null, _connection.Aborted).ConfigureAwait(false);
        }

        await selected.View.DisposeAsync().ConfigureAwait(false);
        _selected = null;
        _state = ImapState.Authenticated;
        return Ok(tag, expunge ? "CLOSE completed" : "UNSELECT completed");
    }

    private async ValueTask<bool> IdleAsync(string tag)
    {
        // RFC 2177: updates are pushed as they happen until the client sends DONE.
        _connection.Write("+ idling\r\n"u8);
        await _connection.FlushAsync().ConfigureAwait(false);
        var done = _connection.ReadLineAsync(_options.MaxLineLength).AsTask();
        while (true)
        {
            var changes = _selected is { Gone: false } s ? s.View.Changes.WaitToReadAsync().AsTask() : Task.Delay(Timeout.Infinite, _connection.Aborted);
            var first = await Task.WhenAny(done, changes).ConfigureAwait(false);
            if (first == done)
            {
                break;
            }

            if (first == changes && changes.IsCompletedSuccessfully && changes is Task<bool> { Result: false })
            {
                // The feed ended (the mailbox was deleted or renamed): keep waiting for DONE.
                await done.ConfigureAwait(false);
                break;
            }

            _selected?.ApplyPending(allowExpunge: true, _connection.Write, !_imap4rev2);
            await _connection.Output.FlushAsync().ConfigureAwait(false);
        }

        var read = await done.ConfigureAwait(false);
        switch (read.Status)
        {
            case LineReadStatus.Line when System.Text.Encoding.ASCII.GetString(read.Line.Span).Equals("DONE", StringComparison.OrdinalIgnoreCase):
                return Ok(tag, "IDLE terminated");
            case LineReadStatus.Line or LineReadStatus.TooLong:
                return await BadAsync(tag, "Expected DONE").ConfigureAwait(false);
            case LineReadStatus.TimedOut:
                _connection.Write("* BYE Autologout; idle for too long\r\n"u8);
                return false;
            case LineReadStatus.ShuttingDown:
                _connection.Write("* BYE [UNAVAILABLE] Server shutting down\r\n"u8);
                return false;
            default:
                return false;
        }
    }

    /// <summary>Sequence numbers beyond the mailbox, or "*" in an empty one, are errors; UIDs are not.</summary>
    private bool ValidateSet(SequenceSet set, bool uid) => uid || set.IsSaved || (_selected!.Count > 0 && set.MaxExplicit <= _selected.Count);
}
