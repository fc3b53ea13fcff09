using System.Buffers;
using System.Text;
using MailKitServer.Imap.Parsing;
using MailKitServer.Runtime;
using MailKitServer.TestSupport;

namespace MailKitServer.Imap.Tests;

/// <summary>
/// Command arguments as the server gets them off the wire: the line read from a byte sequence (split at every
/// boundary, and into single bytes) and parsed into tokens. Each split must give the same arguments.
/// </summary>
internal static class WireTokens
{
    /// <summary>Parses one command line at every split and returns the arguments of each parse, as their text.</summary>
    /// <param name="line">The command line without CRLF.</param>
    /// <param name="check">Called with the arguments of each parse (valid until the next parse).</param>
    public static void ForEachSplit(string line, Action<IReadOnlyList<ImapToken>> check)
    {
        var bytes = Encoding.UTF8.GetBytes(line + "\r\n");
        foreach (var parts in Segments.Splits(bytes))
        {
            var reader = new SequenceReader<byte>(Segments.Create(parts));
            Assert.Equal(OperationStatus.Done, LineParser.TryReadLine(ref reader, 8192, out var read, out _));
            var arena = new ImapParseArena();
            arena.Load(read.ToArray());
            Assert.True(ImapCommandParser.TryParse(arena, out var error), error);
            check(arena.Command.Arguments);
        }
    }

    /// <summary>The arguments of one command line (whole, no splitting).</summary>
    public static IReadOnlyList<ImapToken> Parse(string line)
    {
        Assert.True(ImapTokenizer.TryTokenize(line, [], out var tokens, out var error), error);
        return tokens.Skip(2).ToList();
    }
}
