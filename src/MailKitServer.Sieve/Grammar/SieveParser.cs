namespace MailKitServer.Sieve.Grammar;

/// <summary>
/// The RFC 5228 §8.2 grammar: commands, blocks, arguments, string lists, tests and test lists. Nesting (blocks and
/// test lists together) is bounded, so a script of 10,000 nested <c>anyof</c> is refused rather than exhausting the stack.
/// </summary>
internal sealed class SieveParser
{
    /// <summary>The deepest nesting of blocks and tests accepted.</summary>
    public const int MaxNesting = 64;

    /// <summary>The most strings in one string list.</summary>
    public const int MaxListLength = 1024;

    private readonly SieveLexer _lexer;
    private SieveToken _token;

    private SieveParser(string text)
    {
        _lexer = new SieveLexer(text);
        _token = _lexer.Next();
    }

    /// <summary>Parses a whole script.</summary>
    /// <param name="text">The script.</param>
    /// <returns>Its top-level commands.</returns>
    /// <exception cref="SieveSyntaxException">The script is not well formed.</exception>
    public static List<SieveNode> Parse(string text)
    {
        var parser = new SieveParser(text);
        var commands = parser.ParseCommands(0);
        if (parser._token.Kind != SieveTokenKind.End)
        {
            throw new SieveSyntaxException(parser._token.Line, $"unexpected {parser._token.Describe()}");
        }

        return commands;
    }

    private void Advance() => _token = _lexer.Next();

    private List<SieveNode> ParseCommands(int depth)
    {
        var commands = new List<SieveNode>();
        while (_token.Kind == SieveTokenKind.Identifier)
        {
            commands.Add(ParseCommand(depth));
        }

        return commands;
    }

    private SieveNode ParseCommand(int depth)
    {
        var node = new SieveNode(_token.Text, _token.Line);
        Advance();
        ParseArguments(node, depth);
        if (_token.Is(';'))
        {
            Advance();
            return node;
        }

        if (_token.Is('{'))
        {
            if (depth >= MaxNesting)
            {
                throw new SieveSyntaxException(_token.Line, $"blocks nested deeper than {MaxNesting}");
            }

            Advance();
            node.Block = ParseCommands(depth + 1);
            if (!_token.Is('}'))
            {
                throw new SieveSyntaxException(_token.Line, $"expected a command or '}}' but found {_token.Describe()}");
            }

            Advance();
            return node;
        }

        throw new SieveSyntaxException(_token.Line, $"expected ';' or '{{' after command '{node.Name}' but found {_token.Describe()}");
    }

    private void ParseArguments(SieveNode node, int depth)
    {
        while (true)
        {
            switch (_token.Kind)
            {
                case SieveTokenKind.Tag:
                    node.Arguments.Add(new SieveArgument(_token.Line, Tag: _token.Text));
                    Advance();
                    continue;
                case SieveTokenKind.Number:
                    node.Arguments.Add(new SieveArgument(_token.Line, Number: _token.Number));
                    Advance();
                    continue;
                case SieveTokenKind.String:
                    node.Arguments.Add(new SieveArgument(_token.Line, Strings: [_token.Text]));
                    Advance();
                    continue;
                case SieveTokenKind.Special when _token.Is('['):
                    node.Arguments.Add(ParseStringList());
                    continue;
            }

            break;
        }

        if (_token.Kind == SieveTokenKind.Identifier)
        {
            node.Tests.Add(ParseTest(depth + 1));
        }
        else if (_token.Is('('))
        {
            ParseTestList(node, depth + 1);
        }
    }

    private SieveArgument ParseStringList()
    {
        var line = _token.Line;
        Advance();
        var strings = new List<string>();
        while (true)
        {
            if (_token.Kind != SieveTokenKind.String)
            {
                throw new SieveSyntaxException(_token.Line, $"expected a string in the list but found {_token.Describe()}");
            }

            if (strings.Count == MaxListLength)
            {
                throw new SieveSyntaxException(_token.Line, $"a string list longer than {MaxListLength}");
            }

            strings.Add(_token.Text);
            Advance();
            if (_token.Is(']'))
            {
                Advance();
                return new SieveArgument(line, Strings: strings, IsList: true);
            }

            if (!_token.Is(','))
            {
                throw new SieveSyntaxException(_token.Line, $"expected ',' or ']' in the string list but found {_token.Describe()}");
            }

            Advance();
        }
    }

    private SieveNode ParseTest(int depth)
    {
        if (depth > MaxNesting)
        {
            throw new SieveSyntaxException(_token.Line, $"tests nested deeper than {MaxNesting}");
        }

        if (_token.Kind != SieveTokenKind.Identifier)
        {
            throw new SieveSyntaxException(_token.Line, $"expected a test but found {_token.Describe()}");
        }

        var node = new SieveNode(_token.Text, _token.Line);
        Advance();
        ParseArguments(node, depth);
        return node;
    }

    private void ParseTestList(SieveNode node, int depth)
    {
        if (depth > MaxNesting)
        {
            throw new SieveSyntaxException(_token.Line, $"tests nested deeper than {MaxNesting}");
        }

        Advance();
        node.HasTestList = true;
        while (true)
        {
            node.Tests.Add(ParseTest(depth));
            if (_token.Is(')'))
            {
                Advance();
                return;
            }

            if (!_token.Is(','))
            {
                throw new SieveSyntaxException(_token.Line, $"expected ',' or ')' in the test list but found {_token.Describe()}");
            }

            Advance();
        }
    }
}
