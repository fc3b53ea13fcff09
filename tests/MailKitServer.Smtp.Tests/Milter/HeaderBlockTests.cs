using System.Text;
using MailKitServer.Smtp.Milter;

namespace MailKitServer.Smtp.Tests.Milter;

/// <summary>The header fields a filter is sent and changes, read from content split at every byte boundary.</summary>
public sealed class HeaderBlockTests
{
    private const string Message = "Received: from a\r\n\tby b; now\r\nSubject: one\r\nX-A: 1\r\nsubject: two\r\n\r\nbody\r\nNot: a header\r\n";

    [Fact]
    public async Task Fields_and_the_body_offset_are_the_same_however_the_content_arrives()
    {
        var bytes = Encoding.ASCII.GetBytes(Message);
        for (var split = 0; split <= bytes.Length; split++)
        {
            var block = await HeaderBlock.ReadAsync(new TwoReads(bytes, split), default);
            Assert.Equal([("Received", " from a\n\tby b; now"), ("Subject", " one"), ("X-A", " 1"), ("subject", " two")], block.Fields);
            Assert.Equal(Message.IndexOf("body", StringComparison.Ordinal), block.BodyOffset);
        }
    }

    [Fact]
    public void Changes_follow_libmilter_indexes_and_keep_untouched_fields_as_they_were()
    {
        var block = HeaderBlock.Parse(Encoding.ASCII.GetBytes(Message));
        block.Apply(new MilterModification(MilterModificationKind.ChangeHeader, "Subject", "second\nfolded", 2));
        block.Apply(new MilterModification(MilterModificationKind.ChangeHeader, "X-A", string.Empty, 1));
        block.Apply(new MilterModification(MilterModificationKind.ChangeHeader, "X-New", "added", 3));
        block.Apply(new MilterModification(MilterModificationKind.InsertHeader, "X-Top", "0", 0));
        block.Apply(new MilterModification(MilterModificationKind.InsertHeader, "X-End", "far", 99));
        block.Apply(new MilterModification(MilterModificationKind.AddHeader, "X-Bad\r\nInjected", "a\rb"));
        var written = new MemoryStream();
        block.WriteTo(s => written.Write(s));
        Assert.Equal(
            "X-Top: 0\r\nReceived: from a\r\n\tby b; now\r\nSubject: one\r\nsubject: second\r\n\tfolded\r\nX-New: added\r\nX-End: far\r\nX-BadInjected: ab\r\n\r\n",
            Encoding.ASCII.GetString(written.ToArray()));
    }

    [Theory]
    [InlineData("no colon here\r\nSubject: x\r\n\r\n", 0, 0)]
    [InlineData(" folded first\r\n\r\n", 0, 0)]
    [InlineData("Subject: x\r\nbody without a blank line\r\n", 1, 12)]
    [InlineData("Subject: x\r\n", 1, 12)]
    [InlineData("Subject: x", 0, 0)]
    [InlineData("\r\nbody", 0, 2)]
    public void Where_the_fields_end(string content, int fields, int bodyOffset)
    {
        var block = HeaderBlock.Parse(Encoding.ASCII.GetBytes(content));
        Assert.Equal((fields, bodyOffset), (block.Fields.Count(), (int)block.BodyOffset));
    }

    private sealed class TwoReads(byte[] data, int split) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => data.Length;

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var end = _position < split ? split : data.Length;
            var n = Math.Min(count, end - _position);
            Array.Copy(data, _position, buffer, offset, n);
            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
