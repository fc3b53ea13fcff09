using MailKitServer.Imap.Fetch;
using MailKitServer.Imap.Parsing;
using MailKitServer.Imap.Session;
using MailKitServer.Imap.Structure;
using MailKitServer.Runtime;
using MailKitServer.Storage;

namespace MailKitServer.Imap.Catenate;

/// <summary>
/// Builds the message of an APPEND ... CATENATE (RFC 4469 §3): TEXT literals as they are, URL parts as the octets
/// FETCH BODY[section]&lt;partial&gt; would return for that message of the same user, copied unchanged and without
/// setting \Seen. The result is spooled (memory, then a temporary file) and bounded by the APPEND limit.
/// </summary>
internal static class CatenateAssembler
{
    /// <summary>Checks the syntax of a CATENATE list: cat-part = "TEXT" SP literal / "URL" SP astring.</summary>
    /// <param name="list">The list token after CATENATE.</param>
    /// <returns>Null when valid, else why not (for a BAD).</returns>
    public static string? Validate(ImapToken list)
    {
        if (list.Kind != ImapTokenKind.List || list.Items.Count == 0 || list.Items.Count % 2 != 0)
        {
            return "CATENATE needs a list of TEXT literal and URL parts";
        }

        for (var i = 0; i < list.Items.Count; i += 2)
        {
            var kind = list.Items[i];
            var value = list.Items[i + 1];
            var isText = kind.Kind == ImapTokenKind.Atom && kind.Text.Equals("TEXT", StringComparison.OrdinalIgnoreCase);
            var isUrl = kind.Kind == ImapTokenKind.Atom && kind.Text.Equals("URL", StringComparison.OrdinalIgnoreCase);
            if ((isText && !value.IsLiteral) || (isUrl && value.Kind == ImapTokenKind.List) || !(isText || isUrl))
            {
                return "CATENATE parts are TEXT literal or URL string";
            }
        }

        return null;
    }

    /// <summary>Assembles the message.</summary>
    /// <param name="session">The session (its account resolves the URLs).</param>
    /// <param name="list">The validated CATENATE list.</param>
    /// <returns>The message, or the text of the tagged NO (with BADURL or TOOBIG) when it cannot be built.</returns>
    public static async ValueTask<(MessageSpool? Message, string? Refusal)> AssembleAsync(ImapSession session, ImapToken list)
    {
        var spool = new MessageSpool(session.Options.AppendLimit, 1024 * 1024);
        try
        {
            for (var i = 0; i < list.Items.Count; i += 2)
            {
                var value = list.Items[i + 1];
                if (list.Items[i].Text.Equals("TEXT", StringComparison.OrdinalIgnoreCase))
                {
                    await using var text = value.OpenContent();
                    await CopyAsync(text, spool, session.Aborted).ConfigureAwait(false);
                }
                else if (!await AppendUrlAsync(session, value.Text, spool).ConfigureAwait(false))
                {
                    // RFC 4469 §4.1: BADURL names the first URL that failed.
                    spool.Dispose();
                    return (null, $"[BADURL {value.Text.Replace("]", "%5D", StringComparison.Ordinal)}] Cannot use that message part");
                }

                if (spool.Overflowed)
                {
                    // RFC 4469 §4.2: the result would exceed the server's message size limit.
                    spool.Dispose();
                    return (null, "[TOOBIG] Catenated message too large");
                }
            }

            return (spool, null);
        }
        catch
        {
            spool.Dispose();
            throw;
        }
    }

    /// <summary>Appends the octets a URL names; false when it names nothing of this user.</summary>
    private static async ValueTask<bool> AppendUrlAsync(ImapSession session, string text, MessageSpool spool)
    {
        if (!ImapMessageUrl.TryParse(text, out var url) || !MailboxName.TryNormalize(url.Mailbox, out var mailbox))
        {
            return false;
        }

        // The section is FETCH's: parsed as BODY.PEEK[section] would be (RFC 4469 §3: "as if the literal returned in
        // a FETCH BODY response were put in place").
        BodySection? section = null;
        if (url.Section is { } sectionText)
        {
            if (!FetchItemParser.TryParse("BODY.PEEK[" + sectionText + "]", out var item, out _) || item.Section is null)
            {
                return false;
            }

            section = item.Section;
        }

        await using var view = await session.Account!.OpenAsync(mailbox, readOnly: true, session.Aborted).ConfigureAwait(false);
        if (view is null || (url.UidValidity is { } validity && validity != view.Status.UidValidity))
        {
            return false;
        }

        var index = UidSearch.IndexOf(view.Messages, url.Uid, m => m.Uid);
        if (index < 0)
        {
            return false;
        }

        var size = view.Messages[index].Size;
        long from = 0, to = size;
        if (section is not null && (section.Part.Count > 0 || section.Spec != SectionSpec.Whole))
        {
            var root = await StructureOfAsync(session, view, mailbox, url.Uid).ConfigureAwait(false);
            (from, to) = SectionLocator.Locate(root, size, section);
        }

        if (section?.Spec is SectionSpec.HeaderFields or SectionSpec.HeaderFieldsNot)
        {
            // HEADER.FIELDS (...): the selected fields, as FETCH returns them.
            await using var header = await view.OpenContentAsync(url.Uid, from, to - from, session.Aborted).ConfigureAwait(false);
            using var copy = new MemoryStream();
            if (header is not null)
            {
                await header.CopyToAsync(copy, session.Aborted).ConfigureAwait(false);
            }

            var selected = HeaderFilter.Select(copy.ToArray(), section.Fields, section.Spec == SectionSpec.HeaderFieldsNot);
            var (start, length) = Partial(selected.Length, url);
            spool.Write(selected.AsSpan((int)start, (int)length));
            return true;
        }

        var (offset, count) = Partial(to - from, url);
        if (count == 0)
        {
            return true;
        }

        await using var content = await view.OpenContentAsync(url.Uid, from + offset, count, session.Aborted).ConfigureAwait(false);
        if (content is null)
        {
            return false;
        }

        await CopyAsync(content, spool, session.Aborted).ConfigureAwait(false);
        return true;
    }

    /// <summary>RFC 5092 §5 ;PARTIAL=offset[.length] of a part of the given size, as FETCH &lt;offset.length&gt; takes it.</summary>
    private static (long Offset, long Count) Partial(long size, ImapMessageUrl url)
    {
        var offset = Math.Min(url.PartialOffset ?? 0, size);
        var count = url.PartialLength is { } length ? Math.Min(length, size - offset) : size - offset;
        return (offset, count);
    }

    /// <summary>The message's structure from the listener's cache FETCH shares, else parsed from the store's stream.</summary>
    private static async ValueTask<StructurePart> StructureOfAsync(ImapSession session, IMailboxView view, string mailbox, uint uid)
    {
        var cache = session.Structures;
        var key = RecentTracker.Key(session.UserId, mailbox, view.Status.UidValidity);
        if (cache.TryGet(key, uid, out var root))
        {
            return root;
        }

        await using var stream = await view.OpenContentAsync(uid, 0, null, session.Aborted).ConfigureAwait(false);
        root = stream is null ? StructureParser.Parse(ReadOnlySpan<byte>.Empty) : await StructureParser.ParseAsync(stream, null, session.Aborted).ConfigureAwait(false);
        cache.Add(key, uid, root);
        return root;
    }

    private static async ValueTask CopyAsync(Stream source, MessageSpool spool, CancellationToken cancellationToken)
    {
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            int n;
            while ((n = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0 && !spool.Overflowed)
            {
                spool.Write(buffer.AsSpan(0, n));
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
