using System.Text;

namespace MailKitServer.Hostile.Tests.Fuzz;

/// <summary>
/// Mutates a real client transcript into hostile input, deterministically for a seed: byte flips, wire-significant
/// bytes and tokens (CR, LF, NUL, literals, huge numbers, deep parentheses), deletions, duplications, long runs,
/// lines swapped or spliced in from another transcript of the same protocol.
/// </summary>
internal static class TranscriptMutator
{
    private static readonly byte[] Interesting = "\0\r\n \t()[]{}<>\"\\*%.:,;+-~$=@"u8.ToArray().Concat(new byte[] { 0x7F, 0x80, 0xC3, 0xFF }).ToArray();

    private static readonly string[] Tokens =
    [
        "\r\n", "\r", "\n", "\r\n.\r\n", "\r\n.\r", "\n.\n", "{0}\r\n", "{5}\r\n", "{5+}\r\n", "~{3}\r\n", "{4294967296}\r\n", "{99999999999+}\r\n",
        "{2147483648}", "0", "-1", "4294967295", "4294967296", "18446744073709551616", "99999999999999999999", "*", "1:*", "*:1", "0:0",
        "1,2,3:5,*", "\"", "\"\\\"", "()", "(((((((((((((((((", "))))", "NIL", "\"\"", "[]", "BODY[", "BODY[1.2.3.4.5.6.7.8]", "<0.", ">",
        "\0", "=?UTF-8?B?", "=?x?Q?=FF?=", "AUTH=<>", "SIZE=99999999999999", "<>", "<@a,@b:c@d>", "\"a b\"@c", "é", "\u2028",
        "=", "==", "\r\n*\r\n", "DONE\r\n", "\r\nQUIT\r\n", ".\r\n",
    ];

    /// <summary>Returns the transcript's octets, mutated 1 to 4 times.</summary>
    public static byte[] Mutate(string[] transcript, string[][] family, Random random)
    {
        var lines = transcript.SelectMany(l => l.Split('|')).Select(l => Encoding.UTF8.GetBytes(l).ToList()).ToList();
        var mutations = random.Next(1, 5);
        for (var m = 0; m < mutations; m++)
        {
            MutateOnce(lines, family, random);
        }

        var bytes = new List<byte>();
        foreach (var line in lines)
        {
            bytes.AddRange(line);
            bytes.Add((byte)'\r');
            bytes.Add((byte)'\n');
        }

        return [.. bytes];
    }

    private static void MutateOnce(List<List<byte>> lines, string[][] family, Random random)
    {
        if (lines.Count == 0)
        {
            lines.Add([]);
        }

        var line = lines[random.Next(lines.Count)];
        var at = random.Next(line.Count + 1);
        switch (random.Next(11))
        {
            case 0: // flip a bit
                if (line.Count > 0)
                {
                    var i = random.Next(line.Count);
                    line[i] ^= (byte)(1 << random.Next(8));
                }

                break;
            case 1: // a wire-significant byte in place of one
                if (line.Count > 0)
                {
                    line[random.Next(line.Count)] = Interesting[random.Next(Interesting.Length)];
                }

                break;
            case 2: // a hostile token inserted
                line.InsertRange(at, Encoding.UTF8.GetBytes(Tokens[random.Next(Tokens.Length)]));
                break;
            case 3: // a range deleted
                if (line.Count > 0)
                {
                    var start = random.Next(line.Count);
                    line.RemoveRange(start, 1 + random.Next(Math.Min(16, line.Count - start)));
                }

                break;
            case 4: // a range duplicated
                if (line.Count > 0)
                {
                    var start = random.Next(line.Count);
                    var length = 1 + random.Next(Math.Min(32, line.Count - start));
                    line.InsertRange(start, line.GetRange(start, length));
                }

                break;
            case 5: // a long run: over-long lines, huge atoms, deep nesting
                line.InsertRange(at, Enumerable.Repeat(random.Next(3) == 0 ? (byte)'(' : Interesting[random.Next(Interesting.Length)], random.Next(3) == 0 ? 70_000 : random.Next(1, 3_000)));
                break;
            case 6: // two lines swapped
                var j = random.Next(lines.Count);
                var k = random.Next(lines.Count);
                (lines[j], lines[k]) = (lines[k], lines[j]);
                break;
            case 7: // a line dropped
                lines.RemoveAt(random.Next(lines.Count));
                break;
            case 8: // a line repeated
                var r = random.Next(lines.Count);
                lines.InsertRange(r, Enumerable.Range(0, random.Next(1, 20)).Select(_ => new List<byte>(lines[r])));
                break;
            case 9: // a line spliced in from another transcript of the protocol
                var other = family[random.Next(family.Length)].SelectMany(l => l.Split('|')).ToArray();
                lines.Insert(random.Next(lines.Count + 1), Encoding.UTF8.GetBytes(other[random.Next(other.Length)]).ToList());
                break;
            default: // a number (any of the line's) replaced by a zero, a huge or a random one
                var starts = Enumerable.Range(0, line.Count).Where(i => IsDigit(line[i]) && (i == 0 || !IsDigit(line[i - 1]))).ToList();
                if (starts.Count > 0)
                {
                    var digit = starts[random.Next(starts.Count)];
                    var end = digit;
                    while (end < line.Count && IsDigit(line[end]))
                    {
                        end++;
                    }

                    line.RemoveRange(digit, end - digit);
                    line.InsertRange(digit, Encoding.ASCII.GetBytes(random.Next(5) switch
                    {
                        0 => "0",
                        1 => "4294967295",
                        2 => "9223372036854775808",
                        3 => "99999999999999999999",
                        _ => random.NextInt64().ToString(System.Globalization.CultureInfo.InvariantCulture),
                    }));
                }

                break;
        }
    }

    private static bool IsDigit(byte b) => b is >= (byte)'0' and <= (byte)'9';
}
