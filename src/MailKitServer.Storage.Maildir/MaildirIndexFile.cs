using System.Globalization;
using System.Runtime.CompilerServices;

namespace MailKitServer.Storage.Maildir;

/// <summary>
/// The folder's index file (mailkitserver.index), a cache of what the file names do not carry: UIDNEXT, MODSEQs,
/// internal dates, sizes, all keywords and the expunge history. A line per fact:
/// <c>uidnext N</c>, <c>modseq N</c>, <c>M uid modseq date-ms size relative-path keyword…</c> (date and size <c>-</c>
/// while not read from the file yet: see <see cref="MaildirEntry"/>; an older reader takes such an index for corrupt and
/// rebuilds it from the file names),
/// <c>expungefloor N</c>, <c>X uid modseq</c>, and the object ids and save dates (RFC 8474, RFC 8514) of the
/// messages: <c>O uid emailid savedate-ms</c> for an EMAILID given (a copy's), <c>S uid savedate-ms</c> for one derived
/// from the unique name when first asked for (savedate <c>-</c> when unknown). A message with neither line (an index
/// written before they existed) has its EMAILID from its unique name and no known save date: what an older reader,
/// which ignores <c>S</c> lines, makes of an <c>S</c> line's message too (the same EMAILID). Writing only given ids
/// spares the first sight of 20,000 files a SHA-256 per name before its answer (issue 24).
/// </summary>
internal static class MaildirIndexFile
{
    public const string Name = "mailkitserver.index";

    /// <summary>
    /// What a saved index says (messages sorted by UID). A corrupt one has no messages and no expunges, only the
    /// UIDNEXT and MODSEQ read before the damage: the folder is rebuilt from the files, whose names carry the UIDs.
    /// </summary>
    public sealed record Contents(uint UidNext, ulong HighestModSeq, List<MaildirEntry> Messages, List<(uint Uid, ulong ModSeq)> Expunged, ulong ExpungeFloor, bool Corrupt);

    /// <summary>Reads the index of a folder; <see langword="null"/> when it has none.</summary>
    public static Contents? Read(string folderPath)
    {
        var path = Path.Combine(folderPath, Name);
        if (!File.Exists(path))
        {
            return null;
        }

        uint uidNext = 1;
        ulong modSeq = 1, floor = 0;
        var messages = new List<MaildirEntry>();
        var expunged = new List<(uint, ulong)>();
        var objectIds = new Dictionary<uint, (string? EmailId, DateTimeOffset? SaveDate)>();
        try
        {
            foreach (var line in File.ReadAllLines(path))
            {
                var f = line.Split(' ');
                switch (f[0])
                {
                    case "uidnext":
                        uidNext = Math.Max(uidNext, uint.Parse(f[1], CultureInfo.InvariantCulture));
                        break;
                    case "modseq":
                        modSeq = Math.Max(modSeq, ulong.Parse(f[1], CultureInfo.InvariantCulture));
                        break;
                    case "M":
                        messages.Add(ReadMessage(f));
                        break;
                    case "X":
                        expunged.Add((uint.Parse(f[1], CultureInfo.InvariantCulture), ulong.Parse(f[2], CultureInfo.InvariantCulture)));
                        break;
                    case "O":
                        objectIds[uint.Parse(f[1], CultureInfo.InvariantCulture)] = (f[2], SaveDate(f[3]));
                        break;
                    case "S":
                        objectIds[uint.Parse(f[1], CultureInfo.InvariantCulture)] = (null, SaveDate(f[2]));
                        break;
                    case "expungefloor":
                        floor = Math.Max(floor, ulong.Parse(f[1], CultureInfo.InvariantCulture));
                        break;
                }
            }
        }
        catch (Exception ex) when (ex is FormatException or IndexOutOfRangeException or OverflowException or ArgumentException)
        {
            return new Contents(uidNext, modSeq, [], [], 0, Corrupt: true);
        }

        foreach (var m in messages)
        {
            // Without an O line the EMAILID is the one the unique name gives, derived when first asked for.
            if (objectIds.TryGetValue(m.Uid, out var ids))
            {
                if (ids.EmailId is { } given)
                {
                    m.EmailId = given;
                }

                m.SaveDate = ids.SaveDate;
            }
        }

        messages.Sort((a, b) => a.Uid.CompareTo(b.Uid));
        if (messages.Count > 0)
        {
            uidNext = Math.Max(uidNext, messages[^1].Uid + 1);
        }

        return new Contents(uidNext, modSeq, messages, expunged, floor, Corrupt: false);
    }

    /// <summary>Writes the index durably (write, fsync, rename), streamed (no string of the whole index).</summary>
    public static void Write(string folderPath, uint uidNext, ulong highestModSeq, IReadOnlyList<MaildirEntry> messages, MaildirExpungeHistory expunged) =>
        MaildirFiles.WriteDurably(Path.Combine(folderPath, Name), w => Write(w, uidNext, highestModSeq, messages, expunged));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs per file at a first sight: see MaildirFolder.Adoption.cs
    private static void Write(Utf8LineWriter w, uint uidNext, ulong highestModSeq, IReadOnlyList<MaildirEntry> messages, MaildirExpungeHistory expunged)
    {
        w.Append("MKS 1\nuidnext ").Append(uidNext).Append("\nmodseq ").Append(highestModSeq).Append('\n');
        foreach (var m in messages)
        {
            // A fact not read from the file yet is written as "-" (no stat for the index; see MaildirEntry).
            w.Append("M ").Append(m.Uid).Append(' ').Append(m.ModSeq).Append(' ');
            AppendOrDash(w, m.KnownDate?.ToUnixTimeMilliseconds());
            w.Append(' ');
            AppendOrDash(w, m.KnownSize);
            w.Append(' ').Append(m.RelativePath);
            foreach (var k in m.Keywords)
            {
                w.Append(' ').Append(k);
            }

            w.Append('\n');
        }

        foreach (var m in messages)
        {
            if (m.EmailIdGiven)
            {
                w.Append("O ").Append(m.Uid).Append(' ').Append(m.EmailId).Append(' ');
            }
            else
            {
                w.Append("S ").Append(m.Uid).Append(' ');
            }

            if (m.SaveDate is { } saved)
            {
                w.Append(saved.ToUnixTimeMilliseconds());
            }
            else
            {
                w.Append('-');
            }

            w.Append('\n');
        }

        w.Append("expungefloor ").Append(expunged.Floor).Append('\n');
        foreach (var (uid, modSeq) in expunged.Entries)
        {
            w.Append("X ").Append(uid).Append(' ').Append(modSeq).Append('\n');
        }
    }

    private static DateTimeOffset? SaveDate(string field) =>
        field == "-" ? null : DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(field, CultureInfo.InvariantCulture));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs per file at a first sight: see MaildirFolder.Adoption.cs
    private static void AppendOrDash(Utf8LineWriter w, long? value)
    {
        if (value is { } v)
        {
            w.Append(v);
        }
        else
        {
            w.Append('-');
        }
    }

    /// <summary>An <c>M</c> line; a date or size of <c>-</c> is read from the file when first asked for.</summary>
    private static MaildirEntry ReadMessage(string[] f)
    {
        if (f[5].Length < 4)
        {
            throw new FormatException("not a path in new/ or cur/"); // the entry reads its unique part from it
        }

        var entry = new MaildirEntry
        {
            Uid = uint.Parse(f[1], CultureInfo.InvariantCulture),
            ModSeq = ulong.Parse(f[2], CultureInfo.InvariantCulture),
            RelativePath = f[5],
            Flags = MaildirFileName.Flags(f[5]),
            Keywords = f.Skip(6).ToArray(),
        };
        if (f[3] != "-")
        {
            entry.KnowDate(DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(f[3], CultureInfo.InvariantCulture)).ToOffset(MaildirFileName.Zone(f[5])));
        }

        if (f[4] != "-")
        {
            entry.KnowSize(long.Parse(f[4], CultureInfo.InvariantCulture));
        }
        else if (MaildirFileName.Size(entry.UniquePart) is { } named)
        {
            entry.KnowSize(named);
        }

        return entry;
    }
}
