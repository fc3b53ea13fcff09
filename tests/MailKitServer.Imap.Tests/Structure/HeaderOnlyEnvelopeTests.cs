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

        // FETCH ENVELOPE makes text of the envelope's fields only: the same envelope.
        var envelopeFields = StructurePart.HeaderOnly(HeaderParser.ParseEnvelopeFields(block));
        Assert.Equal(full, ImapStructureWriter.Envelope(ImapEnvelope.FromMessage(envelopeFields)));
    }

    [Fact]
    public void The_envelope_fields_are_every_occurrence_of_the_envelope_names_in_order()
    {
        var header = "Received: from x\r\n by y\r\nfrom: First <a@b.test>\r\nSUBJECT: one\r\n two\r\nX-To: not this\r\nFrom: Second <c@d.test>\r\n" +
            "Message-Id: <m@x>\r\nIN-REPLY-TO: <r@x>\r\nnot a field\r\n continued\r\nReply-To : <rt@x>\r\nsender: s@x\r\nDATE: Mon, 1 Jan 2024 10:00:00 +0000\r\n" +
            "Content-Type: text/plain\r\nTo: t@x, u@x\r\ncc: c@x\r\nBcc: b@x\r\nToo: no\r\n\r\nbody";
        var block = System.Text.Encoding.ASCII.GetBytes(header);
        string[] names = ["Date", "Subject", "From", "Sender", "Reply-To", "To", "Cc", "Bcc", "In-Reply-To", "Message-ID"];

        var expected = HeaderParser.Parse(block).Where(f => names.Contains(f.Name, StringComparer.OrdinalIgnoreCase))
            .Select(f => (f.Name.ToUpperInvariant(), f.Value));
        var fields = HeaderParser.ParseEnvelopeFields(block);

        Assert.Equal(expected, fields.Select(f => (f.Name.ToUpperInvariant(), f.Value)));
        Assert.Equal(11, fields.Count);
        Assert.Equal("First <a@b.test>", StructurePart.HeaderOnly(fields).GetHeader("From"));
    }

    [Fact]
    public async Task The_header_block_is_the_same_whatever_pieces_the_file_is_read_in()
    {
        // Headers ending just before, across and after the first read's page (4,096 octets), read in two pieces split
        // at every octet, and one octet at a time.
        foreach (var end in new[] { 4093, 4094, 4095, 4096, 4097, 4098, 8200 })
        {
            var filler = "X-Fill: " + new string('f', end - "X-Fill: \r\n\r\n".Length) + "\r\n\r\n";
            var message = System.Text.Encoding.ASCII.GetBytes(filler + "body line\r\n\r\nmore\r\n");
            var expected = message.AsSpan(0, end).ToArray();
            for (var split = 1; split < message.Length; split += end > 5000 ? 7 : 1)
            {
                var block = await MessageHeaderReader.ReadBlockAsync(new PiecesStream(message, split), StructureLimits.Default.MaxHeaderBytes, CancellationToken.None);
                Assert.Equal(expected, block);
            }

            Assert.Equal(expected, await MessageHeaderReader.ReadBlockAsync(new PiecesStream(message, 1, everyRead: true), StructureLimits.Default.MaxHeaderBytes, CancellationToken.None));
        }
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
