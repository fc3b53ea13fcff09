using System.Text;
using MailKitServer.Imap.Parsing;
using MailKitServer.Imap.Search;
using MailKitServer.Imap.Structure;
using MailKitServer.Storage;
using Xunit;

namespace MailKitServer.Imap.Tests.Structure;

/// <summary>
/// The header block's fields read in place (<see cref="HeaderFieldReader"/>): <see cref="HeaderParser"/> and the
/// HEADER/SUBJECT search keys over raw octets must see exactly the fields the rules give — lines split at LF with one CR
/// before it dropped, the header ending at its first empty line, continuation lines appended with their white space,
/// lines that are not fields skipped with their continuations, values trimmed and decoded (RFC 5322 §2.2, §2.2.3).
/// The rules are restated line by line below and held against both for thousands of random blocks.
/// </summary>
public sealed class HeaderFieldReaderTests
{
    [Theory]
    [InlineData("Subject: a\r\n\r\nbody", "Subject=a")]
    [InlineData("Subject:  folded\r\n  twice\r\n\tand tab\r\nTo: x\r\n", "Subject=folded  twice\tand tab|To=x")]
    [InlineData("From nobody Mon\r\n continued\r\nX-A : b \r\n", "X-A=b")]
    [InlineData(" orphan\r\nA: 1\nB: 2\r\r\n", "A=1|B=2\r")]
    [InlineData("A:\r\n b\r\n\r\nC: not header", "A=b")]
    [InlineData("A: no line end", "A=no line end")]
    [InlineData("Bad Name: x\r\n\u00e9: y\r\n: z\r\nOk: w", "Ok=w")]
    public void Fields_are_read_as_the_rules_say(string block, string expected)
    {
        var bytes = Encoding.UTF8.GetBytes(block);
        Assert.Equal(expected, string.Join("|", HeaderParser.Parse(bytes).Select(f => $"{f.Name}={f.Value}")));
        Assert.Equal(expected, string.Join("|", Restated(bytes).Select(f => $"{f.Name}={f.Value}")));
    }

    [Fact]
    public void Random_blocks_give_the_fields_the_rules_give_and_the_header_keys_the_same_answers()
    {
        var random = new Random(2026_11_30);
        string[] pieces = ["Subject", "subject", "To", "X-Long-Name", ":", ": ", " ", "\t", "\r", "\n", "\r\n", "\r\n ", "\r\n\t",
            "omega", "Omega", "=?utf-8?q?=C3=A9t=C3=A9?=", "=?iso-8859-1?q?caf=E9?=", "\u00e9", "\u00ff", "x"];
        string[] needles = ["omega", "OMEGA", "été", "café", "a b", "x", " ", "é"];
        for (var run = 0; run < 20_000; run++)
        {
            var sb = new StringBuilder();
            for (var n = random.Next(0, 30); n > 0; n--)
            {
                sb.Append(pieces[random.Next(pieces.Length)]);
            }

            // Some blocks carry 8-bit octets that are not UTF-8 (Latin-1), which HeaderOctets escapes.
            var bytes = random.Next(4) == 0 ? Encoding.Latin1.GetBytes(sb.ToString()) : Encoding.UTF8.GetBytes(sb.ToString());
            var parsed = HeaderParser.Parse(bytes);
            Assert.Equal(Restated(bytes), parsed);

            var field = pieces[random.Next(4)];
            var needle = needles[random.Next(needles.Length)];
            foreach (var kind in new[] { "HEADER " + field, "SUBJECT" })
            {
                var key = Key($"{kind} \"{needle}\"");
                var fromFields = key.Matches(Candidate(StructurePart.HeaderOnly(parsed), null));
                var fromOctets = key.Matches(Candidate(null, bytes));
                Assert.True(fromFields == fromOctets, $"{kind} \"{needle}\" over {Escape(bytes)}: fields {fromFields}, octets {fromOctets}");
            }
        }
    }

    /// <summary>The rules, line by line, as simply as they can be written.</summary>
    private static List<HeaderField> Restated(byte[] block)
    {
        var fields = new List<HeaderField>();
        string? name = null;
        var value = new List<byte>();
        void Flush()
        {
            if (name is not null)
            {
                fields.Add(new HeaderField(name, HeaderOctets.Decode(value.ToArray().AsSpan().Trim(" \t"u8))));
            }

            name = null;
        }

        var start = 0;
        while (start < block.Length)
        {
            var lf = Array.IndexOf(block, (byte)'\n', start);
            var end = lf < 0 ? block.Length : lf;
            var line = block[start..end];
            start = lf < 0 ? block.Length : lf + 1;
            if (line.Length > 0 && line[^1] == '\r')
            {
                line = line[..^1];
            }

            if (line.Length == 0)
            {
                break;
            }

            if (line[0] is (byte)' ' or (byte)'\t')
            {
                if (name is not null)
                {
                    value.AddRange(line);
                }

                continue;
            }

            Flush();
            var colon = Array.IndexOf(line, (byte)':');
            var candidate = colon > 0 ? Encoding.Latin1.GetString(line, 0, colon).TrimEnd(' ', '\t') : string.Empty;
            if (candidate.Length > 0 && candidate.All(c => c is >= '!' and <= '~'))
            {
                name = candidate;
                value.Clear();
                value.AddRange(line[(colon + 1)..]);
            }
        }

        Flush();
        return fields;
    }

    [Fact]
    public void A_value_searched_in_its_octets_answers_as_its_decoded_text()
    {
        // Random fields of encoded words, UTF-8, Latin-1 and broken 8-bit octets, folded lines with CRLF and LF: the
        // octet path (no string) against the text path (Value, then Decode) for a few needles.
        string[] fragments = ["=?", "?=", "?", "utf-8", "iso-8859-1", "q", "b", "Q", "B", "_", "=C3", "=A9", "=", "w6k=", " ", "\t", "a", "b c", "x"];
        byte[][] octetFragments = [[0xC3, 0xA9], [0xE9], [0xC3], [0xE6, 0x97, 0xA5], [0xED, 0xA0, 0x80], "\r\n "u8.ToArray(), "\n\t"u8.ToArray()];
        string[] needles = ["a", "é", "b c", "?", "x ", "A=", "\u00c3"];
        var random = new Random(24);
        for (var i = 0; i < 20_000; i++)
        {
            var value = new List<byte>();
            for (var j = random.Next(1, 12); j > 0; j--)
            {
                value.AddRange(random.Next(4) == 0 ? octetFragments[random.Next(octetFragments.Length)] : Encoding.ASCII.GetBytes(fragments[random.Next(fragments.Length)]));
            }

            var block = Encoding.ASCII.GetBytes("Subject:").Concat(value).Concat("\r\n\r\n"u8.ToArray()).ToArray();
            var reader = new HeaderFieldReader(block);
            if (!reader.MoveNext())
            {
                continue;
            }

            var text = EncodedWords.Decode(reader.Value());
            foreach (var needle in needles)
            {
                Assert.True(text.Contains(needle, StringComparison.OrdinalIgnoreCase) == reader.DecodedValueContains(needle), $"{Escape(block)} / {needle}");
            }
        }
    }

    private static SearchKey Key(string program)
    {
        Assert.True(ImapTokenizer.TryTokenize("a SEARCH " + program, [], out var tokens, out var error), error);
        Assert.True(SearchParser.TryParse(tokens.Skip(2).ToList(), out var key, out error), error);
        return key;
    }

    private static SearchCandidate Candidate(StructurePart? root, byte[]? block) =>
        new(new MessageInfo(1, SystemFlags.None, [], DateTimeOffset.UnixEpoch, 10, 1), 1, 1, 1, root, [], UidSet.Empty, false, DateTimeOffset.UnixEpoch, null, block);

    private static string Escape(byte[] bytes) => string.Concat(bytes.Select(b => b is >= 32 and < 127 ? ((char)b).ToString() : $"\\x{b:x2}"));
}
