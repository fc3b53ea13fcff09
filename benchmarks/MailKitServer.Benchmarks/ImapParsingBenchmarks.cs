using BenchmarkDotNet.Attributes;
using MailKitServer.Imap.Parsing;

namespace MailKitServer.Benchmarks;

/// <summary>
/// IMAP command parsing as the session does it: a one-line command from its octets into the session's reusable
/// arena (the goal: 0 bytes per command), a command with a literal through the string tokenizer, sequence sets.
/// </summary>
[MemoryDiagnoser]
public class ImapParsingBenchmarks
{
    private readonly ImapParseArena _arena = new();
    private readonly byte[] _noop = "a1 NOOP"u8.ToArray();
    private readonly byte[] _fetch = "a2 UID FETCH 1:*,$ (UID FLAGS RFC822.SIZE BODY.PEEK[HEADER.FIELDS (FROM TO SUBJECT DATE)] BODYSTRUCTURE)"u8.ToArray();
    private readonly byte[] _store = "a3 UID STORE 1:40 +FLAGS.SILENT (\\Seen $Important)"u8.ToArray();
    private readonly IReadOnlyList<ImapToken> _literal = [ImapToken.Literal("alice-pw"u8.ToArray(), null)];

    [Benchmark]
    public int Noop() => Parse(_noop);

    [Benchmark]
    public int UidFetchWithSections() => Parse(_fetch);

    [Benchmark]
    public int UidStore() => Parse(_store);

    [Benchmark]
    public int LoginWithLiteral() =>
        ImapTokenizer.TryTokenize("a4 LOGIN \"alice@example.test\" " + ImapTokenizer.LiteralMarker, _literal, out var tokens, out _) ? tokens.Count : -1;

    [Benchmark]
    public bool ParseSequenceSet() => SequenceSet.TryParse("1:4,7,9:*", out _);

    private int Parse(byte[] line)
    {
        _arena.Load(line);
        return ImapCommandParser.TryParse(_arena, out _) ? _arena.Command.Arguments.Count : -1;
    }
}
