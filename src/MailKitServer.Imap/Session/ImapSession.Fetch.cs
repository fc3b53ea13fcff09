using System.Buffers;
using System.Globalization;
using System.Text.RegularExpressions;
using MailKitServer.Imap.Parsing;
using MailKitServer.Mime;
using MailKitServer.Storage;

namespace MailKitServer.Imap.Session;

/// <summary>FETCH and UID FETCH (RFC 3501 §6.4.5, §7.4.2).</summary>
internal sealed partial class ImapSession
{
    private static readonly Regex BinaryItem = new(@"^(BINARY|BINARY\.PEEK|BINARY\.SIZE)\[((?:\d+(?:\.\d+)*)?)\](?:<(\d+)\.(\d+)>)?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    private static readonly Regex SectionItem = new(@"^(BODY|BODY\.PEEK)\[([^\]]*)\](?:<(\d+)\.(\d+)>)?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    private readonly Dictionary<uint, MimeEntity> _structures = [];

    private async ValueTask<bool> FetchAsync(string tag, bool uid, IReadOnlyList<ImapToken> args)
    {
        if (args.Count != 2 || args[0].Kind != ImapTokenKind.Atom || !SequenceSet.TryParse(args[0].Text, out var set))
        {
            return await BadAsync(tag, "Syntax: FETCH set items").ConfigureAwait(false);
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
                return await BadAsync(tag, $"Unknown FETCH item {item}").ConfigureAwait(false);
            }
        }

        if (!ValidateSet(set, uid))
        {
            return await BadAsync(tag, "Invalid message sequence number").ConfigureAwait(false);
        }

        var selected = _selected!;

        // RFC 3501 §6.4.5: BODY[...], RFC822 and RFC822.TEXT set \Seen; decided first, so the FLAGS sent are the new ones.
        var setsSeen = items.Exists(i => i.ToUpperInvariant() is "RFC822" or "RFC822.TEXT"
            || (SectionItem.Match(i) is { Success: true } m && !m.Groups[1].Value.Equals("BODY.PEEK", StringComparison.OrdinalIgnoreCase))
            || (BinaryItem.Match(i) is { Success: true } b && b.Groups[1].Value.Equals("BINARY", StringComparison.OrdinalIgnoreCase)));

        // RFC 3516: BINARY of a part whose transfer encoding is unknown fails the whole FETCH.
        foreach (var index in items.Exists(i => BinaryItem.IsMatch(i)) ? selected.Resolve(set, uid) : [])
        {
            var root = Structure(selected.Messages[index].Uid, await LoadAsync(selected.Messages[index].Uid).ConfigureAwait(false));
            foreach (var item in items.Where(i => BinaryItem.IsMatch(i)))
            {
                if (BinaryPart(root, BinaryItem.Match(item).Groups[2].Value) is { } part && part.TransferEncoding is not ("7bit" or "8bit" or "binary" or "base64" or "quoted-printable"))
                {
                    return No(tag, "[UNKNOWN-CTE] Unknown Content-Transfer-Encoding");
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
                var changed = await selected.View.StoreFlagsAsync(UidSet.FromUids([info.Uid]), new FlagChange(FlagChangeMode.Add, MessageFlags.Seen, []), null, _connection.Aborted).ConfigureAwait(false);
                foreach (var c in changed.Changed)
                {
                    selected.Update(c);
                    info = c;
                    seenChanged = true;
                }
            }

            _connection.Write($"* {index + 1} FETCH (");
            var first = true;
            byte[]? content = null;
            foreach (var item in items)
            {
                var upper = item.ToUpperInvariant();
                if (!first)
                {
                    _connection.Write(" "u8);
                }

                first = false;
                switch (upper)
                {
                    case "UID":
                        _connection.Write($"UID {info.Uid}");
                        break;
                    case "FLAGS":
                        _connection.Write("FLAGS " + FlagsOf(info));
                        break;
                    case "INTERNALDATE":
                        _connection.Write("INTERNALDATE " + ImapFormat.DateTime(info.InternalDate));
                        break;
                    case "RFC822.SIZE":
                        _connection.Write("RFC822.SIZE " + info.Size.ToString(CultureInfo.InvariantCulture));
                        break;
                    case "ENVELOPE" or "BODY" or "BODYSTRUCTURE":
                        content ??= await LoadAsync(info.Uid).ConfigureAwait(false);
                        var root = Structure(info.Uid, content);
                        _connection.Write(upper + " " + (upper == "ENVELOPE" ? ImapStructureWriter.Envelope(Envelope.FromMessage(root)) : ImapStructureWriter.BodyStructure(root, upper == "BODYSTRUCTURE", _imap4rev2)));
                        break;
                    case "RFC822":
                        await StreamMessageAsync("RFC822", info).ConfigureAwait(false);
                        break;
                    case "RFC822.HEADER" or "RFC822.TEXT":
                        content ??= await LoadAsync(info.Uid).ConfigureAwait(false);
                        var r = Structure(info.Uid, content);
                        Literal(upper, upper == "RFC822.HEADER" ? content[..(int)r.BodyOffset] : content[(int)r.BodyOffset..(int)r.EndOffset]);
                        break;
                    case var _ when BinaryItem.Match(item) is { Success: true } binary:
                        content ??= await LoadAsync(info.Uid).ConfigureAwait(false);
                        var binarySection = binary.Groups[2].Value;
                        var target = BinaryPart(Structure(info.Uid, content), binarySection);
                        var decoded = target is null ? [] : TransferDecoding.Decode(content.AsSpan((int)target.BodyOffset, (int)target.BodySize), target.TransferEncoding);
                        if (binary.Groups[1].Value.Equals("BINARY.SIZE", StringComparison.OrdinalIgnoreCase))
                        {
                            _connection.Write($"BINARY.SIZE[{binarySection}] {decoded.Length}");
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
                        _connection.Write(Array.IndexOf(decoded, (byte)0) >= 0 ? $"{binaryName} ~{{{decoded.Length}}}\r\n" : $"{binaryName} {{{decoded.Length}}}\r\n");
                        _connection.Write(decoded);
                        break;
                    default:
                        var m = SectionItem.Match(item);
                        var section = m.Groups[2].Value;
                        if (section.Length == 0 && !m.Groups[3].Success)
                        {
                            // The whole message streams from the store; it is never held in memory.
                            await StreamMessageAsync("BODY[]", info).ConfigureAwait(false);
                            break;
                        }

                        content ??= await LoadAsync(info.Uid).ConfigureAwait(false);
                        var bytes = Section(content, Structure(info.Uid, content), section);
                        var name = $"BODY[{section}]";
                        if (m.Groups[3].Success)
                        {
                            var origin = long.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture);
                            var count = long.Parse(m.Groups[4].Value, CultureInfo.InvariantCulture);
                            var start = (int)Math.Min(origin, bytes.Length);
                            bytes = bytes[start..(int)Math.Min(bytes.Length, start + count)];
                            name += $"<{origin}>";
                        }

                        Literal(name, bytes);
                        break;
                }
            }

            if (seenChanged && !flagsRequested)
            {
                _connection.Write(" FLAGS " + FlagsOf(info));
            }

            _connection.Write(")\r\n"u8);
        }

        return Ok(tag, "FETCH completed");
    }

    /// <summary>The part BINARY[section] decodes: the message body itself for an empty section.</summary>
    private static MimeEntity? BinaryPart(MimeEntity root, string section) =>
        section.Length == 0 ? root : root.FindPart(section.Split('.').Select(n => int.Parse(n, CultureInfo.InvariantCulture)).ToList());

    private static bool IsFetchItem(string item) =>
        BinaryItem.IsMatch(item) ||
        item.ToUpperInvariant() is "UID" or "FLAGS" or "INTERNALDATE" or "RFC822.SIZE" or "ENVELOPE" or "BODY" or "BODYSTRUCTURE" or "RFC822" or "RFC822.HEADER" or "RFC822.TEXT"
        || (SectionItem.Match(item) is { Success: true } m && ValidSection(m.Groups[2].Value));

    private static bool ValidSection(string section) =>
        Regex.IsMatch(section, @"^(\d+(\.\d+)*)?(\.?(HEADER|TEXT|MIME|HEADER\.FIELDS(\.NOT)? \([^)]*\)))?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1))
        && !section.StartsWith('.')
        && !(section.StartsWith("MIME", StringComparison.OrdinalIgnoreCase));

    private void Literal(string name, byte[] data)
    {
        _connection.Write($"{name} {{{data.Length}}}\r\n");
        _connection.Write(data);
    }

    /// <summary>Sends a whole message as a literal, copied from the store's stream in blocks.</summary>
    private async ValueTask StreamMessageAsync(string name, MessageInfo info)
    {
        await using var stream = await _selected!.View.OpenContentAsync(info.Uid, 0, null, _connection.Aborted).ConfigureAwait(false);
        if (stream is null)
        {
            // Expunged by another session meanwhile: RFC 2180 §4.1.2 allows NIL.
            _connection.Write($"{name} NIL");
            return;
        }

        _connection.Write($"{name} {{{info.Size}}}\r\n");
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            long sent = 0;
            int n;
            while (sent < info.Size && (n = await stream.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, info.Size - sent)), _connection.Aborted).ConfigureAwait(false)) > 0)
            {
                _connection.Output.Write(buffer.AsSpan(0, n));
                sent += n;
                if (_connection.Output.UnflushedBytes > 256 * 1024)
                {
                    await _connection.FlushAsync().ConfigureAwait(false);
                }
            }

            // The literal's length was announced: a shorter file would desynchronise the client, so pad it.
            for (; sent < info.Size; sent++)
            {
                _connection.Output.Write(" "u8);
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static byte[] Section(byte[] message, MimeEntity root, string section)
    {
        var match = Regex.Match(section, @"^((?:\d+\.)*\d+)?\.?(.*)$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        var numbers = match.Groups[1].Success && match.Groups[1].Value.Length > 0 ? match.Groups[1].Value.Split('.').Select(n => int.Parse(n, CultureInfo.InvariantCulture)).ToList() : [];
        var spec = match.Groups[2].Value.ToUpperInvariant();
        var entity = numbers.Count == 0 ? root : root.FindPart(numbers);
        if (entity is null)
        {
            return [];
        }

        // For a part, HEADER and TEXT refer to the message inside a message/rfc822 part.
        var target = numbers.Count == 0 ? root : entity.Message;
        byte[] Range(long from, long to) => message[(int)Math.Min(from, message.Length)..(int)Math.Min(to, message.Length)];
        if (spec.Length == 0)
        {
            return numbers.Count == 0 ? message : Range(entity.BodyOffset, entity.EndOffset);
        }

        if (spec == "MIME")
        {
            return Range(entity.HeaderOffset, entity.BodyOffset);
        }

        if (target is null)
        {
            return [];
        }

        if (spec == "HEADER")
        {
            return Range(target.HeaderOffset, target.BodyOffset);
        }

        if (spec == "TEXT")
        {
            return Range(target.BodyOffset, target.EndOffset);
        }

        var exclude = spec.StartsWith("HEADER.FIELDS.NOT", StringComparison.Ordinal);
        var open = spec.IndexOf('(', StringComparison.Ordinal);
        var names = spec[(open + 1)..spec.LastIndexOf(')')].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(n => n.Trim('"')).ToList();
        return HeaderFilter.Select(Range(target.HeaderOffset, target.BodyOffset), names, exclude);
    }

    private async ValueTask<byte[]> LoadAsync(uint uid)
    {
        await using var stream = await _selected!.View.OpenContentAsync(uid, 0, null, _connection.Aborted).ConfigureAwait(false);
        if (stream is null)
        {
            return [];
        }

        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy, _connection.Aborted).ConfigureAwait(false);
        return copy.ToArray();
    }

    private MimeEntity Structure(uint uid, byte[] content)
    {
        if (!_structures.TryGetValue(uid, out var root))
        {
            if (_structures.Count > 1000)
            {
                _structures.Clear();
            }

            root = MimeParser.Parse(content);
            _structures[uid] = root;
        }

        return root;
    }
}
