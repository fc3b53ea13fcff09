using BenchmarkDotNet.Attributes;
using MailKitServer.Imap.Parsing;

namespace MailKitServer.Benchmarks;

/// <summary>IMAP command parsing (tokens, lists, literals), as the session does it for every command.</summary>
[MemoryDiagnoser]
public class ImapParsingBenchmarks
{
    private static readonly IReadOnlyList<ImapToken> NoLiterals = [];
    private readonly IReadOnlyList<ImapToken> _literal = [ImapToken.Literal("alice-pw"u8.ToArray(), null)];

    [Benchmark]
    public int Noop() => ImapTokenizer.TryTokenize("a1 NOOP", NoLiterals, out var tokens, out _) ? tokens.Count : -1;

    [Benchmark]
    public int UidFetchWithSections() =>
        ImapTokenizer.TryTokenize("a2 UID FETCH 1:*,$ (UID FLAGS RFC822.SIZE BODY.PEEK[HEADER.FIELDS (FROM TO SUBJECT DATE)] BODYSTRUCTURE)", NoLiterals, out var tokens, out _) ? tokens.Count : -1;

    [Benchmark]
    public int LoginWithLiteral() =>
        ImapTokenizer.TryTokenize("a3 LOGIN \"alice@example.test\" " + ImapTokenizer.LiteralMarker, _literal, out var tokens, out _) ? tokens.Count : -1;

    [Benchmark]
    public bool ParseSequenceSet() => SequenceSet.TryParse("1:4,7,9:*", out _);
}
