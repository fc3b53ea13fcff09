using System.Buffers;
using System.Globalization;
using System.Text.RegularExpressions;
using MailKitServer.Imap.Fetch;
using MailKitServer.Imap.Parsing;
using MailKitServer.Imap.Responses;
using MailKitServer.Imap.Session;
using MailKitServer.Imap.Structure;
using MailKitServer.Storage;

namespace MailKitServer.Imap.Commands;

/// <summary>FETCH and UID FETCH (RFC 3501 §6.4.5, §7.4.2; RFC 9051 §6.4.5).</summary>
internal sealed class FetchCommand() : ImapCommand("FETCH", CommandStates.Selected)
{
    private static readonly Regex BinaryItem = new(@"^(BINARY|BINARY\.PEEK|BINARY\.SIZE)\[((?:\d+(?:\.\d+)*)?)\](?:<(\d+)\.(\d+)>)?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    private static readonly Regex SectionItem = new(@"^(BODY|BODY\.PEEK)\[([^\]]*)\](?:<(\d+)\.(\d+)>)?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    public override bool HasUidForm => true;

    public override bool HoldsExpunges => true;

    public override async ValueTask<bool> ExecuteAsync(ImapSession session, ImapRequest request)
    {
        var tag = request.Tag;
        var uid = request.Uid;
        var args = request.Arguments;
        if (args.Count != 2 || args[0].Kind != ImapTokenKind.Atom || !SequenceSet.TryParse(args[0].Text, out var set))
        {
            return await session.BadAsync(tag, "Syntax: FETCH set items").ConfigureAwait(false);
        }

        var items = args[1].Kind == ImapTokenKind.List ? args[1].Items.Select(t => t.Text).ToList() : [args[1].Text];
        items = items.SelectMany(i => i.ToUpperInvariant() switch
        {
            "ALL" => ["FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE"],
            "FAST" => ["FLAGS", "INTERNALDATE", "RFC822.SIZE"],
            "FULL" => ["FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE", "BODY"],
            _ => new[] { i },
        }).ToList();
        if (uid && !items.Exists(i => i.Equals("UID", StringComparison.OrdinalIgnoreCase)))
        {
            items.Insert(0, "UID");
        }

        foreach (var item in items)
        {
            if (!IsFetchItem(item))
            {
                return await session.BadAsync(tag, $"Unknown FETCH item {item}").ConfigureAwait(false);
            }
        }

        var selected = session.Selected!;
        if (!selected.IsValidSet(set, uid))
        {
            return await session.BadAsync(tag, "Invalid message sequence number").ConfigureAwait(false);
        }

        // RFC 3501 §6.4.5: BODY[...], RFC822 and RFC822.TEXT set \Seen; decided first, so the FLAGS sent are the new ones.
        var setsSeen = items.Exists(i => i.ToUpperInvariant() is "RFC822" or "RFC822.TEXT"
            || (SectionItem.Match(i) is { Success: true } m && !m.Groups[1].Value.Equals("BODY.PEEK", StringComparison.OrdinalIgnoreCase))
            || (BinaryItem.Match(i) is { Success: true } b && b.Groups[1].Value.Equals("BINARY", StringComparison.OrdinalIgnoreCase)));

        // RFC 3516: BINARY of a part whose transfer encoding is unknown fails the whole FETCH.
        foreach (var index in items.Exists(i => BinaryItem.IsMatch(i)) ? selected.Resolve(set, uid) : [])
        {
            var root = await selected.StructureAsync(selected.Messages[index].Uid, session.Aborted).ConfigureAwait(false);
            foreach (var item in items.Where(i => BinaryItem.IsMatch(i)))
            {
                if (BinaryPart(root, BinaryItem.Match(item).Groups[2].Value) is { } part && part.TransferEncoding is not ("7bit" or "8bit" or "binary" or "base64" or "quoted-printable"))
                {
                    return session.No(tag, "[UNKNOWN-CTE] Unknown Content-Transfer-Encoding");
                }
            }
        }

        var flagsRequested = items.Exists(i => i.Equals("FLAGS", StringComparison.OrdinalIgnoreCase));
        foreach (var index in selected.Resolve(set, uid))
        {
            var info = selected.Messages[index];
            var seenChanged = false;
            if (setsSeen && !selected.ReadOnly && (info.Flags & MessageFlags.Seen) == 0)
            {
                var changed = await selected.View.StoreFlagsAsync(UidSet.FromUids([info.Uid]), new FlagChange(FlagChangeMode.Add, MessageFlags.Seen, []), null, session.Aborted).ConfigureAwait(false);
                foreach (var c in changed.Changed)
                {
                    selected.Update(c);
                    info = c;
                    seenChanged = true;
                }
            }

            session.Connection.Write($"* {index + 1} FETCH (");
            var first = true;
            foreach (var item in items)
            {
                var upper = item.ToUpperInvariant();
                if (!first)
                {
                    session.Connection.Write(" "u8);
                }

                first = false;
                switch (upper)
                {
                    case "UID":
                        session.Connection.Write($"UID {info.Uid}");
                        break;
                    case "FLAGS":
                        session.Connection.Write("FLAGS " + session.FlagsOf(info));
                        break;
                    case "INTERNALDATE":
                        session.Connection.Write("INTERNALDATE " + ImapFormat.DateTime(info.InternalDate));
                        break;
                    case "RFC822.SIZE":
                        session.Connection.Write("RFC822.SIZE " + info.Size.ToString(CultureInfo.InvariantCulture));
                        break;
                    case "ENVELOPE" or "BODY" or "BODYSTRUCTURE":
                        var root = await selected.StructureAsync(info.Uid, session.Aborted).ConfigureAwait(false);
                        session.Connection.Write(upper + " " + (upper == "ENVELOPE" ? ImapStructureWriter.Envelope(ImapEnvelope.FromMessage(root)) : ImapStructureWriter.BodyStructure(root, upper == "BODYSTRUCTURE", session.Imap4rev2)));
                        break;
                    case "RFC822":
                        await StreamRangeAsync(session, "RFC822", info.Uid, 0, info.Size).ConfigureAwait(false);
                        break;
                    case "RFC822.HEADER" or "RFC822.TEXT":
                        var r = await selected.StructureAsync(info.Uid, session.Aborted).ConfigureAwait(false);
                        await (upper == "RFC822.HEADER" ? StreamRangeAsync(session, upper, info.Uid, 0, r.BodyOffset) : StreamRangeAsync(session, upper, info.Uid, r.BodyOffset, r.EndOffset - r.BodyOffset)).ConfigureAwait(false);
                        break;
                    case var _ when BinaryItem.Match(item) is { Success: true } binary:
                        var binarySection = binary.Groups[2].Value;
                        var target = BinaryPart(await selected.StructureAsync(info.Uid, session.Aborted).ConfigureAwait(false), binarySection);
                        var decoded = target is null ? [] : TransferDecoding.Decode(await selected.LoadAsync(info.Uid, target.BodyOffset, target.BodySize, session.Aborted).ConfigureAwait(false), target.TransferEncoding);
                        if (binary.Groups[1].Value.Equals("BINARY.SIZE", StringComparison.OrdinalIgnoreCase))
                        {
                            session.Connection.Write($"BINARY.SIZE[{binarySection}] {decoded.Length}");
                            break;
                        }

                        var binaryName = $"BINARY[{binarySection}]";
                        if (binary.Groups[3].Success)
                        {
                            var origin = long.Parse(binary.Groups[3].Value, CultureInfo.InvariantCulture);
                            var start = (int)Math.Min(origin, decoded.Length);
                            decoded = decoded[start..(int)Math.Min(decoded.Length, start + long.Parse(binary.Groups[4].Value, CultureInfo.InvariantCulture))];
                            binaryName += $"<{origin}>";
                        }

                        // RFC 3516 §4.2: data holding NUL goes as a literal8.
                        session.Connection.Write(Array.IndexOf(decoded, (byte)0) >= 0 ? $"{binaryName} ~{{{decoded.Length}}}\r\n" : $"{binaryName} {{{decoded.Length}}}\r\n");
                        session.Connection.Write(decoded);
                        break;
                    default:
                        var m = SectionItem.Match(item);
                        var section = m.Groups[2].Value;
                        await FetchSectionAsync(session, info, section, m.Groups[3].Success ? long.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture) : null, m.Groups[3].Success ? long.Parse(m.Groups[4].Value, CultureInfo.InvariantCulture) : 0).ConfigureAwait(false);
                        break;
                }
            }

            if (seenChanged && !flagsRequested)
            {
                session.Connection.Write(" FLAGS " + session.FlagsOf(info));
            }

            session.Connection.Write(")\r\n"u8);
        }

        return session.Ok(tag, "FETCH completed");
    }

    /// <summary>The part BINARY[section] decodes: the message body itself for an empty section.</summary>
    private static StructurePart? BinaryPart(StructurePart root, string section) =>
        section.Length == 0 ? root : root.FindPart(section.Split('.').Select(n => int.Parse(n, CultureInfo.InvariantCulture)).ToList());

    private static bool IsFetchItem(string item) =>
        BinaryItem.IsMatch(item) ||
        item.ToUpperInvariant() is "UID" or "FLAGS" or "INTERNALDATE" or "RFC822.SIZE" or "ENVELOPE" or "BODY" or "BODYSTRUCTURE" or "RFC822" or "RFC822.HEADER" or "RFC822.TEXT"
        || (SectionItem.Match(item) is { Success: true } m && ValidSection(m.Groups[2].Value));

    private static bool ValidSection(string section) =>
        Regex.IsMatch(section, @"^(\d+(\.\d+)*)?(\.?(HEADER|TEXT|MIME|HEADER\.FIELDS(\.NOT)? \([^)]*\)))?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1))
        && !section.StartsWith('.')
        && !(section.StartsWith("MIME", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// BODY[section]&lt;origin.count&gt;: every section but HEADER.FIELDS(.NOT) is a byte range of the stored message,
    /// streamed from the store (RFC 3501 §6.4.5); only the structure (offsets) and filtered headers are in memory.
    /// </summary>
    private static async ValueTask FetchSectionAsync(ImapSession session, MessageInfo info, string section, long? origin, long count)
    {
        var name = $"BODY[{section}]" + (origin is { } o ? $"<{o}>" : string.Empty);
        if (section.Length == 0 && origin is null)
        {
            await StreamRangeAsync(session, name, info.Uid, 0, info.Size).ConfigureAwait(false);
            return;
        }

        var root = await session.Selected!.StructureAsync(info.Uid, session.Aborted).ConfigureAwait(false);
        var (from, to, fields, exclude) = SectionRange(root, info.Size, section);
        if (fields is null)
        {
            var start = origin is { } partial ? Math.Min(from + partial, to) : from;
            var end = origin is null ? to : Math.Min(to, start + count);
            await StreamRangeAsync(session, name, info.Uid, start, end - start).ConfigureAwait(false);
            return;
        }

        var bytes = HeaderFilter.Select(await session.Selected!.LoadAsync(info.Uid, from, to - from, session.Aborted).ConfigureAwait(false), fields, exclude);
        if (origin is { } p)
        {
            var start = (int)Math.Min(p, bytes.Length);
            bytes = bytes[start..(int)Math.Min(bytes.Length, start + count)];
        }

        session.Connection.Write($"{name} {{{bytes.Length}}}\r\n");
        session.Connection.Write(bytes);
    }

    /// <summary>Sends a byte range of a stored message as a literal, copied from the store's stream in blocks.</summary>
    private static async ValueTask StreamRangeAsync(ImapSession session, string name, uint uid, long offset, long length)
    {
        await using var stream = await session.Selected!.View.OpenContentAsync(uid, offset, length, session.Aborted).ConfigureAwait(false);
        if (stream is null)
        {
            // Expunged by another session meanwhile: RFC 2180 §4.1.2 allows NIL.
            session.Connection.Write($"{name} NIL");
            return;
        }

        session.Connection.Write($"{name} {{{length}}}\r\n");
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            long sent = 0;
            int n;
            while (sent < length && (n = await stream.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, length - sent)), session.Aborted).ConfigureAwait(false)) > 0)
            {
                session.Connection.Output.Write(buffer.AsSpan(0, n));
                sent += n;
                if (session.Connection.Output.UnflushedBytes >= 64 * 1024)
                {
                    await session.Connection.FlushAsync().ConfigureAwait(false);
                }
            }

            // The literal's length was announced: a shorter file would desynchronise the client, so pad it.
            for (; sent < length; sent++)
            {
                session.Connection.Output.Write(" "u8);
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// The byte range [From, To) a section names; for HEADER.FIELDS(.NOT) the header range and the field names.
    /// A part that does not exist is an empty range.
    /// </summary>
    private static (long From, long To, List<string>? Fields, bool Exclude) SectionRange(StructurePart root, long size, string section)
    {
        var match = Regex.Match(section, @"^((?:\d+\.)*\d+)?\.?(.*)$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        var numbers = match.Groups[1].Success && match.Groups[1].Value.Length > 0 ? match.Groups[1].Value.Split('.').Select(n => int.Parse(n, CultureInfo.InvariantCulture)).ToList() : [];
        var spec = match.Groups[2].Value.ToUpperInvariant();
        var entity = numbers.Count == 0 ? root : root.FindPart(numbers);
        if (entity is null)
        {
            return (0, 0, null, false);
        }

        // For a part, HEADER and TEXT refer to the message inside a message/rfc822 part.
        var target = numbers.Count == 0 ? root : entity.Message;
        (long, long, List<string>?, bool) Range(long from, long to) => (Math.Min(from, size), Math.Min(Math.Max(from, to), size), null, false);
        if (spec.Length == 0)
        {
            return numbers.Count == 0 ? Range(0, size) : Range(entity.BodyOffset, entity.EndOffset);
        }

        if (spec == "MIME")
        {
            return Range(entity.HeaderOffset, entity.BodyOffset);
        }

        if (target is null)
        {
            return (0, 0, null, false);
        }

        if (spec == "HEADER")
        {
            return Range(target.HeaderOffset, target.BodyOffset);
        }

        if (spec == "TEXT")
        {
            return Range(target.BodyOffset, target.EndOffset);
        }

        var open = spec.IndexOf('(', StringComparison.Ordinal);
        var names = spec[(open + 1)..spec.LastIndexOf(')')].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(n => n.Trim('"')).ToList();
        var (from, to, _, _) = Range(target.HeaderOffset, target.BodyOffset);
        return (from, to, names, spec.StartsWith("HEADER.FIELDS.NOT", StringComparison.Ordinal));
    }
}
