using System.Text;
using MailKitServer.Imap.Parsing;
using MailKitServer.Imap.Search;
using MailKitServer.Imap.Structure;
using MailKitServer.Storage;
using MailKitServer.TestSupport;
using Xunit;
using static MailKitServer.Imap.Tests.Session.ImapTestClient;

namespace MailKitServer.Imap.Tests.Search;

/// <summary>
/// SEARCH decides from the metadata and the header fields before it reads text parts, and decodes the parts of a
/// message read whole only when a key gets to them (issue 24). Whatever it decides early must be what the whole
/// program gives with every text at hand: checked for thousands of random programs (AND, OR, NOT over header, body,
/// text and flag keys) over messages that match in the header, in a body part, in an inner part's MIME header, in
/// an encoded word, or nowhere.
/// </summary>
public sealed class MatchWithoutBodyTests
{
    private static readonly string[] Words = ["alpha", "beta", "gamma", "delta", "gr", "x.test"];

    private static readonly string[] Messages =
    [
        "From: Alpha <a@x.test>\r\nSubject: beta\r\n\r\ngamma\r\n",
        "From: b@x.test\r\nSubject: =?utf-8?q?gr=C3=BC=C3=9Fe?=\r\n\r\nalpha delta\r\n",
        "From: c@x.test\r\nSubject: none\r\nContent-Type: multipart/mixed; boundary=q\r\n\r\n--q\r\nContent-Type: text/plain\r\nX-Note: delta\r\n\r\nbeta\r\n"
            + "--q\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n<p>gr=C3=BC=C3=9Fe</p>\r\n--q--\r\n",
        "From: Delta <d@x.test>\r\nSubject: alpha gamma\r\n\r\nnothing here\r\n",
        "From: e@x.test\r\nSubject: empty\r\n\r\n",
        "From: f@x.test\r\nSubject: attachment\r\nContent-Type: multipart/mixed; boundary=q\r\n\r\n--q\r\nContent-Type: application/octet-stream\r\n\r\nalpha beta gamma\r\n--q--\r\n",
    ];

    [Fact]
    public void An_early_answer_is_always_the_answer_of_the_whole_program()
    {
        var random = new Random(24);
        var decided = 0;
        for (var round = 0; round < 3000; round++)
        {
            var program = RandomProgram(random, 3);
            Assert.True(ImapTokenizer.TryTokenize("a SEARCH " + program, [], out var tokens, out var error), error);
            Assert.True(SearchParser.TryParse(tokens.Skip(2).ToList(), out var key, out error), error);
            for (var i = 0; i < Messages.Length; i++)
            {
                var bytes = Encoding.UTF8.GetBytes(Messages[i]);
                var root = StructureParser.Parse(bytes);
                var info = new MessageInfo((uint)i + 1, i % 2 == 0 ? SystemFlags.Seen : SystemFlags.None, [], DateTimeOffset.UnixEpoch, bytes.Length, 1);
                var texts = TextsOf(root, bytes);
                var whole = key.Matches(Candidate(info, root, texts));
                if (key.MatchesWithoutBody(Candidate(info, root, [])) is { } early)
                {
                    decided++;
                    Assert.True(early == whole, $"{program} on message {i + 1}: early {early}, whole {whole}");
                }

                var lazy = new DecodedTextParts(bytes, [.. root.Descendants().Where(p => p.ContentType.MediaType == "text" && p.BodySize > 0)]);
                Assert.Equal(whole, key.Matches(Candidate(info, root, lazy)));
                Assert.Equal(texts, lazy.ToList());
            }
        }

        Assert.True(decided > 3000, $"only {decided} answers were decided early");
    }

    [Fact]
    public async Task The_server_finds_the_same_messages_with_structures_cached_or_not_as_the_whole_program_does()
    {
        await using var server = await TestMailServer.StartAsync();
        foreach (var message in Messages)
        {
            await server.AppendAsync("alice@example.test", message);
        }

        await using var client = await LoginAsync(server);
        await TaggedAsync(client, "s SELECT INBOX");
        await TaggedAsync(client, "f STORE 1,3,5 +FLAGS.SILENT (\\Seen)");
        var random = new Random(7);
        for (var round = 0; round < 60; round++)
        {
            var program = RandomProgram(random, 3);
            Assert.True(ImapTokenizer.TryTokenize("a SEARCH " + program, [], out var tokens, out _));
            Assert.True(SearchParser.TryParse(tokens.Skip(2).ToList(), out var key, out _));
            var expected = new List<int>();
            for (var i = 0; i < Messages.Length; i++)
            {
                var bytes = Encoding.UTF8.GetBytes(Messages[i]);
                var root = StructureParser.Parse(bytes);
                var info = new MessageInfo((uint)i + 1, i % 2 == 0 ? SystemFlags.Seen : SystemFlags.None, [], DateTimeOffset.UnixEpoch, bytes.Length, 1);
                if (key.Matches(Candidate(info, root, TextsOf(root, bytes))))
                {
                    expected.Add(i + 1);
                }
            }

            var line = "* SEARCH" + string.Concat(expected.Select(n => " " + n));
            var found = new List<string>();
            Assert.StartsWith("a OK", await TaggedAsync(client, "a SEARCH CHARSET UTF-8 " + program, found), StringComparison.Ordinal);
            Assert.True(line == found.Single().TrimEnd(), $"{program}: {found.Single()} instead of {line}");
        }
    }

    private static SearchCandidate Candidate(MessageInfo info, StructurePart root, IEnumerable<string> texts) =>
        new(info, (int)info.Uid, Messages.Length, (uint)Messages.Length, root, texts, UidSet.Empty, false, DateTimeOffset.UnixEpoch, null);

    private static List<string> TextsOf(StructurePart root, byte[] bytes) =>
        [.. root.Descendants().Where(p => p.ContentType.MediaType == "text" && p.BodySize > 0)
            .Select(p => SearchTexts.DecodeText(p, bytes.AsSpan((int)p.BodyOffset, (int)p.BodySize)))];

    private static string RandomProgram(Random random, int depth)
    {
        var choice = random.Next(depth > 0 ? 9 : 6);
        var word = Words[random.Next(Words.Length)];
        return choice switch
        {
            0 => $"FROM {Quote(word)}",
            1 => $"SUBJECT {Quote(word)}",
            2 => $"BODY {Quote(word)}",
            3 => $"TEXT {Quote(word)}",
            4 => "SEEN",
            5 => $"HEADER X-Note {Quote(word)}",
            6 => $"NOT {RandomProgram(random, depth - 1)}",
            7 => $"OR {RandomProgram(random, depth - 1)} {RandomProgram(random, depth - 1)}",
            _ => $"({RandomProgram(random, depth - 1)} {RandomProgram(random, depth - 1)})",
        };
    }

    private static string Quote(string word) => $"\"{word}\"";
}
