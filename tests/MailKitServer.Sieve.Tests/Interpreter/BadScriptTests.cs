using System.Diagnostics;
using System.Text;
using MailKitServer.Sieve.Compilation;
using MailKitServer.Sieve.Grammar;
using MailKitServer.Sieve.Matching;

namespace MailKitServer.Sieve.Tests.Interpreter;

/// <summary>Hostile scripts: deep nesting, patterns built to backtrack, long lists, include cycles.</summary>
public sealed class BadScriptTests
{
    [Fact]
    public void Ten_thousand_nested_anyof_are_refused_with_a_line_number_not_a_stack_overflow()
    {
        var script = new StringBuilder("if ");
        for (var i = 0; i < 10_000; i++)
        {
            script.Append("anyof(");
        }

        script.Append("true");
        script.Append(')', 10_000).Append(" { keep; }");
        var ex = Assert.Throws<SieveSyntaxException>(() => SieveCompiler.Compile(script.ToString()));
        Assert.Contains("nested deeper than", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, ex.Line);
    }

    [Fact]
    public void Ten_thousand_nested_blocks_are_refused()
    {
        var script = new StringBuilder();
        for (var i = 0; i < 10_000; i++)
        {
            script.Append("if true {\n");
        }

        script.Append('}', 10_000);
        var ex = Assert.Throws<SieveSyntaxException>(() => SieveCompiler.Compile(script.ToString()));
        Assert.Contains("nested deeper than", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nesting_up_to_the_bound_compiles()
    {
        var script = "if " + string.Concat(Enumerable.Repeat("not ", SieveParser.MaxNesting - 2)) + "true { keep; }";
        Assert.NotNull(SieveCompiler.Compile(script));
    }

    [Fact]
    public void A_matches_pattern_built_to_backtrack_is_answered_in_linear_steps()
    {
        // A backtracking matcher needs ~C(n, k) steps for k stars over n characters; the two-pointer one n × pattern length.
        var value = new string('a', 20_000);
        var pattern = string.Concat(Enumerable.Repeat("*a", 12)) + "*b";
        var watch = Stopwatch.StartNew();
        Assert.False(GlobMatcher.Match(value, pattern, SieveComparator.AsciiCaseMap, new List<string>()));
        Assert.True(GlobMatcher.Match(value + "b", pattern, SieveComparator.AsciiCaseMap, new List<string>()));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), watch.Elapsed.ToString());
    }

    [Theory]
    [InlineData("a*b*c", "axxbyyc", true, "xx|yy")]
    [InlineData("*.*", "a.b.c", true, "a|b.c")]
    [InlineData("[*] *", "[acme-users] [fwd] version 1.0 is out", true, "acme-users|[fwd] version 1.0 is out")]
    [InlineData("?*?", "ab", true, "a||b")]
    [InlineData("a\\*b", "a*b", true, "")]
    [InlineData("a\\*b", "axb", false, "")]
    [InlineData("*", "", true, "")]
    [InlineData("?", "", false, "")]
    [InlineData("a**b", "ab", true, "|")]
    public void Matches_sets_the_wildcard_captures_shortest_first(string pattern, string value, bool matches, string captures)
    {
        var list = new List<string>();
        Assert.Equal(matches, GlobMatcher.Match(value, pattern, SieveComparator.AsciiCaseMap, list));
        if (matches)
        {
            Assert.Equal(value, list[0]);
            Assert.Equal(captures, string.Join('|', list.Skip(1)));
        }
    }

    [Fact]
    public void A_string_list_longer_than_the_bound_is_refused()
    {
        var script = "if header :is \"a\" [" + string.Join(',', Enumerable.Repeat("\"x\"", SieveParser.MaxListLength + 1)) + "] { keep; }";
        Assert.Throws<SieveSyntaxException>(() => SieveCompiler.Compile(script));
    }

    [Fact]
    public async Task An_include_cycle_and_too_deep_includes_end_the_run_with_an_error()
    {
        var personal = new Dictionary<string, string>
        {
            ["a"] = "require \"include\"; include \"b\";",
            ["b"] = "require \"include\"; include \"a\";",
        };
        Assert.Equal("error", await SieveRunner.RunAsync("require \"include\"; include \"a\";", personal: personal));

        var chain = Enumerable.Range(0, 20).ToDictionary(i => $"s{i}", i => $"require \"include\"; include \"s{i + 1}\";");
        chain["s20"] = "keep;";
        Assert.Equal("error", await SieveRunner.RunAsync("require \"include\"; include \"s0\";", personal: chain));
    }

    [Fact]
    public async Task Includes_run_personal_and_global_scripts_share_globals_and_return_ends_only_the_included_script()
    {
        var personal = new Dictionary<string, string>
        {
            ["set"] = "require [\"include\", \"variables\"]; global \"box\"; set \"box\" \"FromInclude\";",
            ["early"] = "require [\"include\", \"fileinto\"]; return; fileinto \"Never\";",
        };
        var global = new Dictionary<string, string> { ["spam"] = "require \"fileinto\"; fileinto \"Global\";" };
        Assert.Equal(
            "fileinto:Global; fileinto:FromInclude",
            await SieveRunner.RunAsync("require [\"include\", \"variables\", \"fileinto\"]; include :global \"spam\"; include \"early\"; include \"set\"; global \"box\"; fileinto \"${box}\";", personal: personal, global: global));
        Assert.Equal("keep", await SieveRunner.RunAsync("require \"include\"; include :optional \"missing\";"));
        Assert.Equal("error", await SieveRunner.RunAsync("require \"include\"; include \"missing\";"));
        Assert.Equal("keep", await SieveRunner.RunAsync("require \"include\"; include :once \"k\"; include :once \"k\";", personal: new Dictionary<string, string> { ["k"] = "keep;" }));
    }

    [Fact]
    public async Task Variables_are_truncated_at_the_bound_and_their_count_is_limited()
    {
        var limits = new Execution.SieveLimits(MaxVariableLength: 16, MaxVariables: 2);
        Assert.Equal("fileinto:0123456789abcdef", await SieveRunner.RunAsync("require [\"variables\", \"fileinto\"]; set \"a\" \"0123456789abcdefXYZ\"; fileinto \"${a}\";", limits: limits));
        Assert.Equal("error", await SieveRunner.RunAsync("require \"variables\"; set \"a\" \"1\"; set \"b\" \"2\"; set \"c\" \"3\";", limits: limits));
    }

    [Fact]
    public void Every_lexical_error_names_its_line()
    {
        var ex = Assert.Throws<SieveSyntaxException>(() => SieveCompiler.Compile("keep;\r\n\r\nif header :is \"a\" \"b\r\n"));
        Assert.Equal(3, ex.Line);
        ex = Assert.Throws<SieveSyntaxException>(() => SieveCompiler.Compile("keep;\nfrob;"));
        Assert.Equal(2, ex.Line);
        Assert.StartsWith("line 2: unknown command 'frob'", ex.Message, StringComparison.Ordinal);
    }
}
