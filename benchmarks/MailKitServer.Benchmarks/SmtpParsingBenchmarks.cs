using BenchmarkDotNet.Attributes;
using MailKitServer.Smtp.Parsing;

namespace MailKitServer.Benchmarks;

/// <summary>Steady-state SMTP command parsing: the goal is 0 bytes allocated per command.</summary>
[MemoryDiagnoser]
public class SmtpParsingBenchmarks
{
    private readonly byte[] _mail = "MAIL FROM:<someone.long-name@sub.example.test> SIZE=10240 BODY=8BITMIME"u8.ToArray();
    private readonly byte[] _rcpt = "RCPT TO:<recipient@example.test> NOTIFY=SUCCESS,FAILURE"u8.ToArray();
    private readonly byte[] _noop = "NOOP"u8.ToArray();

    [Benchmark]
    public int ParseMailFrom()
    {
        var command = SmtpCommandParser.Parse(_mail);
        var argument = _mail.AsSpan()[command.Argument];
        PathParser.TryParse(argument, "FROM:"u8, out var path);
        var reader = new EsmtpParameterReader(argument[path.Parameters]);
        var n = 0;
        while (reader.TryRead(out _, out var valid) && valid)
        {
            n++;
        }

        return n + (int)command.Verb;
    }

    [Benchmark]
    public int ParseRcptTo()
    {
        var command = SmtpCommandParser.Parse(_rcpt);
        var argument = _rcpt.AsSpan()[command.Argument];
        PathParser.TryParse(argument, "TO:"u8, out var path);
        return path.Address.End.Value + (int)command.Verb;
    }

    [Benchmark]
    public int ParseNoop() => (int)SmtpCommandParser.Parse(_noop).Verb;
}
