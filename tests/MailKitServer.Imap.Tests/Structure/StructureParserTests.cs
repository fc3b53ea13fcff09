using System.Text;
using MailKitServer.Imap.Structure;
using MailKitServer.TestSupport;

namespace MailKitServer.Imap.Tests.Structure;

public class StructureParserTests
{
    public static TheoryData<string> CorpusNames => new(StructureCorpus.All().Select(c => c.Name));

    /// <summary>A canonical dump of the tree: offsets, lines, types, children.</summary>
    private static string Dump(StructurePart e)
    {
        var sb = new StringBuilder();
        void Walk(StructurePart x, string indent)
        {
            sb.Append(indent).Append($"{x.ContentType.MediaType}/{x.ContentType.SubType} h={x.HeaderOffset} b={x.BodyOffset} e={x.EndOffset} lines={x.BodyLines} headers={x.Headers.Count}\n");
            if (x.Message is { } m)
            {
                Walk(m, indent + "  [msg] ");
            }

            foreach (var c in x.Children)
            {
                Walk(c, indent + "  ");
            }
        }

        Walk(e, string.Empty);
        return sb.ToString();
    }

    [Theory]
    [MemberData(nameof(CorpusNames))]
    public void Structure_is_the_same_at_every_split(string name)
    {
        var message = StructureCorpus.All().Single(c => c.Name == name).Message;
        var expected = Dump(StructureParser.Parse(message));
        foreach (var split in Segments.Splits(message))
        {
            var parser = new StructureParser();
            foreach (var piece in split)
            {
                parser.Feed(piece);
            }

            Assert.Equal(expected, Dump(parser.Complete()));
        }
    }
}
