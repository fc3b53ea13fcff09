using MailKitServer.Imap.Sorting;
using MailKitServer.Imap.Structure;
using Xunit;

namespace MailKitServer.Imap.Tests.Structure;

/// <summary>
/// ENVELOPE and the header SEARCH keys read only the header block when no cached structure is at hand (issue 24);
/// what they see must be what the full MIME parse gives.
/// </summary>
public sealed class HeaderOnlyEnvelopeTests
{
    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var (name, _) in StructureCorpus.All())
        {
            data.Add(name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Names))]
    public async Task Envelope_from_the_header_block_equals_the_one_from_the_full_parse(string name)
    {
        var message = StructureCorpus.All().Single(m => m.Name == name).Message;
        var full = ImapStructureWriter.Envelope(ImapEnvelope.FromMessage(StructureParser.Parse(message)));

        var block = await MessageHeaderReader.ReadBlockAsync(new MemoryStream(message), StructureLimits.Default.MaxHeaderBytes, CancellationToken.None);
        var headerOnly = StructurePart.HeaderOnly(HeaderParser.Parse(block));

        Assert.Equal(full, ImapStructureWriter.Envelope(ImapEnvelope.FromMessage(headerOnly)));
        Assert.Equal(StructureParser.Parse(message).Headers.Select(h => (h.Name, h.Value)), headerOnly.Headers.Select(h => (h.Name, h.Value)));
    }

    [Fact]
    public async Task The_header_block_ends_at_the_empty_line()
    {
        var body = new string('x', 1_000_000);
        var message = System.Text.Encoding.ASCII.GetBytes("From: a@b.test\r\nSubject: big\r\n\r\n" + body);
        var block = await MessageHeaderReader.ReadBlockAsync(new MemoryStream(message), StructureLimits.Default.MaxHeaderBytes, CancellationToken.None);
        Assert.Equal("From: a@b.test\r\nSubject: big\r\n\r\n", System.Text.Encoding.ASCII.GetString(block));
    }
}
