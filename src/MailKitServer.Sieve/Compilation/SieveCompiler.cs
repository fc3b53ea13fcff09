using MailKitServer.Addresses;
using MailKitServer.Sieve.Grammar;

namespace MailKitServer.Sieve.Compilation;

/// <summary>
/// Parses and checks a script the way ManageSieve's PUTSCRIPT and CHECKSCRIPT must (RFC 5804 §2.6): every command
/// and test known and required, tags and arguments of the right kind and number, comparators and match types
/// compatible, control structure right. Errors name the line.
/// </summary>
internal static class SieveCompiler
{
    /// <summary>The relational operators of RFC 5231 §4.</summary>
    private static readonly HashSet<string> Relations = ["gt", "ge", "lt", "le", "eq", "ne"];

    private static readonly HashSet<string> DateParts = ["year", "month", "day", "date", "julian", "hour", "minute", "second", "time", "iso8601", "std11", "zone", "weekday"];

    /// <summary>Compiles a script.</summary>
    /// <param name="text">The script.</param>
    /// <returns>The compiled script.</returns>
    /// <exception cref="SieveSyntaxException">The script is not valid; the message names the line.</exception>
    public static SieveScript Compile(string text)
    {
        var commands = SieveParser.Parse(text);
        var requires = new HashSet<string>(StringComparer.Ordinal);
        var seenOther = false;
        foreach (var command in commands)
        {
            if (command.Name == "require")
            {
                if (seenOther)
                {
                    // RFC 5228 §3.2: require MUST come before any other command.
                    throw new SieveSyntaxException(command.Line, "require must come before any other command");
                }

                Check(command, SieveSpecs.Commands["require"], requires, isTest: false);
                foreach (var name in command.Positional[0].Strings!)
                {
                    if (!SieveCapabilities.IsKnown(name))
                    {
                        // RFC 5228 §3.2: an unknown extension makes the script fail.
                        throw new SieveSyntaxException(command.Line, $"unsupported extension '{name}'");
                    }

                    requires.Add(name);
                }
            }
            else
            {
                seenOther = true;
            }
        }

        if (requires.Contains("spamtestplus"))
        {
            requires.Add("spamtest");
        }

        if (requires.Contains("vacation-seconds"))
        {
            requires.Add("vacation");
        }

        if (requires.Contains("encoded-character"))
        {
            DecodeStrings(commands);
        }

        CheckBlock(commands, requires, topLevel: true);
        return new SieveScript(commands, requires);
    }

    private static void CheckBlock(List<SieveNode> commands, HashSet<string> requires, bool topLevel)
    {
        string? previous = null;
        foreach (var command in commands)
        {
            if (!SieveSpecs.Commands.TryGetValue(command.Name, out var spec))
            {
                throw new SieveSyntaxException(command.Line, SieveSpecs.Tests.ContainsKey(command.Name) ? $"'{command.Name}' is a test, not a command" : $"unknown command '{command.Name}'");
            }

            if (command.Name == "require" && !topLevel)
            {
                throw new SieveSyntaxException(command.Line, "require must come before any other command");
            }

            if (command.Name is "elsif" or "else" && previous is not ("if" or "elsif"))
            {
                throw new SieveSyntaxException(command.Line, $"'{command.Name}' must follow 'if' or 'elsif'");
            }

            if (command.Name != "require")
            {
                Check(command, spec, requires, isTest: false);
            }

            if (command.Block is not null)
            {
                CheckBlock(command.Block, requires, topLevel: false);
            }

            previous = command.Name;
        }
    }

    private static void CheckTest(SieveNode test, HashSet<string> requires)
    {
        if (!SieveSpecs.Tests.TryGetValue(test.Name, out var spec))
        {
            throw new SieveSyntaxException(test.Line, SieveSpecs.Commands.ContainsKey(test.Name) ? $"'{test.Name}' is a command, not a test" : $"unknown test '{test.Name}'");
        }

        Check(test, spec, requires, isTest: true);
    }

    private static void Check(SieveNode node, CommandSpec spec, HashSet<string> requires, bool isTest)
    {
        var what = isTest ? "test" : "command";
        if (spec.Capability is { } capability && !requires.Contains(capability))
        {
            throw new SieveSyntaxException(node.Line, $"{what} '{node.Name}' needs require \"{capability}\"");
        }

        if (node.Name == "global" && !requires.Contains("variables"))
        {
            throw new SieveSyntaxException(node.Line, "command 'global' needs require \"variables\"");
        }

        var i = CheckTags(node, spec, requires, what);
        CheckPositional(node, spec, what, i);
        CheckShape(node, spec, what);
        CheckSemantics(node, requires);
        foreach (var test in node.Tests)
        {
            CheckTest(test, requires);
        }
    }

    /// <summary>Reads the tagged arguments into <see cref="SieveNode.Tags"/>; returns the index of the first positional one.</summary>
    private static int CheckTags(SieveNode node, CommandSpec spec, HashSet<string> requires, string what)
    {
        var groups = new Dictionary<string, string>(StringComparer.Ordinal);
        var i = 0;
        for (; i < node.Arguments.Count && node.Arguments[i].Tag is { } tag; i++)
        {
            var tagSpec = spec.Tags.FirstOrDefault(t => t.Name == tag)
                ?? throw new SieveSyntaxException(node.Arguments[i].Line, $"{what} '{node.Name}' does not take tag ':{tag}'");
            if (tagSpec.Capability is { } tagCapability && !requires.Contains(tagCapability))
            {
                throw new SieveSyntaxException(node.Arguments[i].Line, $"tag ':{tag}' needs require \"{tagCapability}\"");
            }

            if (node.Tags.ContainsKey(tag))
            {
                throw new SieveSyntaxException(node.Arguments[i].Line, $"tag ':{tag}' given twice");
            }

            if (tagSpec.Group is { } group)
            {
                if (groups.TryGetValue(group, out var other))
                {
                    throw new SieveSyntaxException(node.Arguments[i].Line, $"tags ':{other}' and ':{tag}' exclude each other");
                }

                groups[group] = tag;
            }

            SieveArgument? value = null;
            if (tagSpec.Value != ArgumentKind.None)
            {
                i++;
                if (i >= node.Arguments.Count || !Fits(node.Arguments[i], tagSpec.Value))
                {
                    throw new SieveSyntaxException(node.Line, $"tag ':{tag}' needs {Describe(tagSpec.Value)}");
                }

                value = node.Arguments[i];
            }

            node.Tags[tag] = value;
        }

        return i;
    }

    /// <summary>Checks the positional arguments against the spec's kinds, keeping optional leading ones' places.</summary>
    private static void CheckPositional(SieveNode node, CommandSpec spec, string what, int first)
    {
        for (var i = first; i < node.Arguments.Count; i++)
        {
            if (node.Arguments[i].Tag is { } late)
            {
                throw new SieveSyntaxException(node.Arguments[i].Line, $"tag ':{late}' must come before the positional arguments of '{node.Name}'");
            }

            node.Positional.Add(node.Arguments[i]);
        }

        var kinds = spec.Positional;
        var given = node.Positional.Count;
        if (given > kinds.Count || given < kinds.Count - spec.OptionalLeading - spec.OptionalTrailing)
        {
            throw new SieveSyntaxException(node.Line, $"{what} '{node.Name}' takes {kinds.Count - spec.OptionalLeading - spec.OptionalTrailing}{(spec.OptionalLeading + spec.OptionalTrailing > 0 ? $" to {kinds.Count}" : string.Empty)} positional arguments, not {given}");
        }

        var offset = given < kinds.Count && spec.OptionalLeading > 0 ? kinds.Count - given : 0;
        for (var p = 0; p < given; p++)
        {
            if (!Fits(node.Positional[p], kinds[p + offset]))
            {
                throw new SieveSyntaxException(node.Positional[p].Line, $"{what} '{node.Name}' needs {Describe(kinds[p + offset])} as argument {p + 1}, not {node.Positional[p].Describe()}");
            }
        }

        if (offset > 0)
        {
            // Optional leading arguments left out: keep positions fixed so the interpreter reads them by index.
            node.Positional.InsertRange(0, Enumerable.Repeat<SieveArgument>(null!, offset));
        }
    }

    /// <summary>Checks the tests and the block a command takes.</summary>
    private static void CheckShape(SieveNode node, CommandSpec spec, string what)
    {
        if (spec.Tests == 0 && node.Tests.Count > 0)
        {
            throw new SieveSyntaxException(node.Line, $"{what} '{node.Name}' takes no test");
        }

        if (spec.Tests == 1 && (node.Tests.Count != 1 || node.HasTestList))
        {
            throw new SieveSyntaxException(node.Line, $"{what} '{node.Name}' needs exactly one test");
        }

        if (spec.Tests == -1 && !node.HasTestList)
        {
            throw new SieveSyntaxException(node.Line, $"{what} '{node.Name}' needs a list of tests");
        }

        if (spec.Block && node.Block is null)
        {
            throw new SieveSyntaxException(node.Line, $"command '{node.Name}' needs a block");
        }

        if (!spec.Block && node.Block is not null)
        {
            throw new SieveSyntaxException(node.Line, $"command '{node.Name}' takes no block");
        }
    }

    private static void CheckSemantics(SieveNode node, HashSet<string> requires)
    {
        CheckMatchTags(node, requires);
        CheckValues(node, requires);
    }

    /// <summary>The comparator (RFC 5228 §2.7.3) and relational (RFC 5231) tags.</summary>
    private static void CheckMatchTags(SieveNode node, HashSet<string> requires)
    {
        var comparator = node.Tags.TryGetValue("comparator", out var c) ? c!.Strings![0] : "i;ascii-casemap";
        if (node.Tags.ContainsKey("comparator"))
        {
            if (comparator is not ("i;octet" or "i;ascii-casemap" or "i;ascii-numeric"))
            {
                throw new SieveSyntaxException(node.Line, $"unknown comparator '{comparator}'");
            }

            if (comparator == "i;ascii-numeric" && !requires.Contains("comparator-i;ascii-numeric"))
            {
                throw new SieveSyntaxException(node.Line, "comparator 'i;ascii-numeric' needs require \"comparator-i;ascii-numeric\"");
            }
        }

        if (comparator == "i;ascii-numeric" && (node.Tags.ContainsKey("contains") || node.Tags.ContainsKey("matches")))
        {
            // RFC 4790 §9.1: i;ascii-numeric offers equality and ordering, no substring match.
            throw new SieveSyntaxException(node.Line, "comparator 'i;ascii-numeric' cannot be used with :contains or :matches");
        }

        foreach (var relational in new[] { "value", "count" })
        {
            if (node.Tags.TryGetValue(relational, out var r) && !Relations.Contains(r!.Strings![0].ToLowerInvariant()))
            {
                throw new SieveSyntaxException(node.Line, $"':{relational}' needs one of gt, ge, lt, le, eq, ne, not '{r.Strings[0]}'");
            }
        }
    }

    /// <summary>What each command's argument values must be beyond their kinds (names, addresses, date parts).</summary>
    private static void CheckValues(SieveNode node, HashSet<string> requires)
    {
        switch (node.Name)
        {
            case "size" when node.Tags.Count == 0:
                throw new SieveSyntaxException(node.Line, "test 'size' needs :over or :under");
            case "envelope":
                foreach (var part in node.Positional[0].Strings!)
                {
                    if (!part.Equals("from", StringComparison.OrdinalIgnoreCase) && !part.Equals("to", StringComparison.OrdinalIgnoreCase))
                    {
                        throw new SieveSyntaxException(node.Line, $"envelope part '{part}' is not supported (from, to)");
                    }
                }

                break;
            case "set":
                RequireVariableNames(node, [node.Positional[0].Strings![0]]);
                break;
            case "global":
                RequireVariableNames(node, node.Positional[0].Strings!);
                break;
            case "setflag" or "addflag" or "removeflag" or "hasflag" when node.Positional[0] is { } variable:
                RequireVariableNames(node, variable.Strings!);
                break;
            case "redirect":
                var target = node.Positional[0].Strings![0];
                if (!(requires.Contains("variables") && target.Contains("${", StringComparison.Ordinal)) && !MailAddress.TryParse(target, allowUtf8: true, out _))
                {
                    // RFC 5228 §4.2: the address must be a valid RFC 5322 addr-spec.
                    throw new SieveSyntaxException(node.Line, $"redirect to an invalid address '{target}'");
                }

                break;
            case "include":
                var script = node.Positional[0].Strings![0];
                if (script.Length == 0 || script.Contains('/') || script.Contains('\0') || script.Contains("${", StringComparison.Ordinal))
                {
                    throw new SieveSyntaxException(node.Line, $"invalid script name '{script}' for include");
                }

                break;
            case "date" or "currentdate":
                var datePart = node.Positional[node.Name == "date" ? 1 : 0].Strings![0].ToLowerInvariant();
                if (!DateParts.Contains(datePart))
                {
                    throw new SieveSyntaxException(node.Line, $"unknown date part '{datePart}'");
                }

                break;
            case "vacation" when node.Tags.TryGetValue("days", out var days) && days!.Number > 3650:
                throw new SieveSyntaxException(node.Line, ":days may be at most 3650");
        }
    }

    private static void RequireVariableNames(SieveNode node, IEnumerable<string> names)
    {
        // RFC 5229 §3: identifier = (ALPHA / "_") *(ALPHA / DIGIT / "_").
        if (names.FirstOrDefault(n => !IsVariableName(n)) is { } bad)
        {
            throw new SieveSyntaxException(node.Line, $"'{bad}' is not a valid variable name");
        }
    }

    private static bool IsVariableName(string name) =>
        name.Length is > 0 and <= 64 && (char.IsAsciiLetter(name[0]) || name[0] == '_') && name.All(ch => char.IsAsciiLetterOrDigit(ch) || ch == '_');

    private static bool Fits(SieveArgument argument, ArgumentKind kind) => kind switch
    {
        ArgumentKind.String => argument.Strings is { Count: 1 } && !argument.IsList,
        ArgumentKind.StringList => argument.Strings is not null,
        ArgumentKind.Number => argument.Number is not null,
        _ => false,
    };

    private static string Describe(ArgumentKind kind) => kind switch
    {
        ArgumentKind.String => "a string",
        ArgumentKind.StringList => "a string list",
        ArgumentKind.Number => "a number",
        _ => "nothing",
    };

    private static void DecodeStrings(List<SieveNode> nodes)
    {
        foreach (var node in nodes)
        {
            for (var i = 0; i < node.Arguments.Count; i++)
            {
                if (node.Arguments[i].Strings is { } strings)
                {
                    node.Arguments[i] = node.Arguments[i] with { Strings = strings.Select(s => EncodedCharacter.Decode(s, node.Line)).ToList() };
                }
            }

            DecodeStrings(node.Tests);
            if (node.Block is not null)
            {
                DecodeStrings(node.Block);
            }
        }
    }
}
