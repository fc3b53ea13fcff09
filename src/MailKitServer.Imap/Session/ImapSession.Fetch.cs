using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using MailKitServer.Imap.Parsing;
using MailKitServer.Mime;
using MailKitServer.Storage;

namespace MailKitServer.Imap.Session;

/// <summary>FETCH and UID FETCH (RFC 3501 §6.4.5, §7.4.2).</summary>
internal sealed partial class ImapSession
{
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
        foreach (var index in selected.Resolve(set, uid))
        {
            var info = selected.Messages[index];
            var response = new MemoryStream();
            response.Write(Encoding.ASCII.GetBytes($"* {index + 1} FETCH ("));
            var first = true;
            long flagsAt = -1;
            byte[]? content = null;
            var setSeen = false;
            foreach (var item in items)
            {
                var upper = item.ToUpperInvariant();
                if (!first)
                {
                    response.WriteByte((byte)' ');
                }

                first = false;
                switch (upper)
                {
                    case "UID":
                        Text(response, $"UID {info.Uid}");
                        break;
                    case "FLAGS":
                        // Filled in at the end, after an implicit \Seen.
                        flagsAt = response.Length;
                        break;
                    case "INTERNALDATE":
                        Text(response, "INTERNALDATE " + ImapFormat.DateTime(info.InternalDate));
                        break;
                    case "RFC822.SIZE":
                        Text(response, "RFC822.SIZE " + info.Size.ToString(CultureInfo.InvariantCulture));
                        break;
                    case "ENVELOPE" or "BODY" or "BODYSTRUCTURE":
                        content ??= await LoadAsync(info.Uid).ConfigureAwait(false);
                        var root = Structure(info.Uid, content);
                        Text(response, upper + " " + (upper == "ENVELOPE" ? ImapStructureWriter.Envelope(Envelope.FromMessage(root)) : ImapStructureWriter.BodyStructure(root, upper == "BODYSTRUCTURE")));
                        break;
                    case "RFC822" or "RFC822.HEADER" or "RFC822.TEXT":
                        content ??= await LoadAsync(info.Uid).ConfigureAwait(false);
                        var r = Structure(info.Uid, content);
                        var data = upper switch
                        {
                            "RFC822" => content,
                            "RFC822.HEADER" => content[..(int)r.BodyOffset],
                            _ => content[(int)r.BodyOffset..(int)r.EndOffset],
                        };
                        setSeen |= upper != "RFC822.HEADER";
                        Literal(response, upper, data);
                        break;
                    default:
                        var m = SectionItem.Match(item);
                        content ??= await LoadAsync(info.Uid).ConfigureAwait(false);
                        var section = m.Groups[2].Value;
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

                        setSeen |= !m.Groups[1].Value.Equals("BODY.PEEK", StringComparison.OrdinalIgnoreCase);
                        Literal(response, name, bytes);
                        break;
                }
            }

            var flagsRequested = items.Exists(i => i.Equals("FLAGS", StringComparison.OrdinalIgnoreCase));
            if (setSeen && !selected.ReadOnly && (info.Flags & MessageFlags.Seen) == 0)
            {
                // RFC 3501 §6.4.5: BODY[...] sets \Seen; the new flags are sent with the data.
                var changed = await selected.View.StoreFlagsAsync(UidSet.FromUids([info.Uid]), new FlagChange(FlagChangeMode.Add, MessageFlags.Seen, []), null, _connection.Aborted).ConfigureAwait(false);
                foreach (var c in changed.Changed)
                {
                    selected.Update(c);
                    info = c;
                }

                if (!flagsRequested)
                {
                    Text(response, " ");
                    flagsAt = response.Length;
                }
            }

            response.WriteByte((byte)')');
            response.Write("\r\n"u8);
            var bytesOut = response.GetBuffer().AsSpan(0, (int)response.Length);
            if (flagsAt >= 0)
            {
                _connection.Write(bytesOut[..(int)flagsAt]);
                _connection.Write("FLAGS " + ImapFormat.Flags(info));
                _connection.Write(bytesOut[(int)flagsAt..]);
            }
            else
            {
                _connection.Write(bytesOut);
            }
        }

        return Ok(tag, "FETCH completed");
    }

    private static bool IsFetchItem(string item) =>
        item.ToUpperInvariant() is "UID" or "FLAGS" or "INTERNALDATE" or "RFC822.SIZE" or "ENVELOPE" or "BODY" or "BODYSTRUCTURE" or "RFC822" or "RFC822.HEADER" or "RFC822.TEXT"
        || (SectionItem.Match(item) is { Success: true } m && ValidSection(m.Groups[2].Value));

    private static bool ValidSection(string section) =>
        Regex.IsMatch(section, @"^(\d+(\.\d+)*)?(\.?(HEADER|TEXT|MIME|HEADER\.FIELDS(\.NOT)? \([^)]*\)))?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1))
        && !section.StartsWith('.')
        && !(section.StartsWith("MIME", StringComparison.OrdinalIgnoreCase));

    private static void Text(MemoryStream output, string text) => output.Write(Encoding.UTF8.GetBytes(text));

    private static void Literal(MemoryStream output, string name, byte[] data)
    {
        Text(output, $"{name} {{{data.Length}}}\r\n");
        output.Write(data);
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
