namespace MailKitServer.Sieve.Grammar;

/// <summary>A command or a test as parsed (RFC 5228 §8.2), before its arguments are checked.</summary>
internal sealed class SieveNode
{
    /// <summary>Creates a node.</summary>
    /// <param name="name">The identifier, lower case.</param>
    /// <param name="line">The line it starts on.</param>
    public SieveNode(string name, int line)
    {
        Name = name;
        Line = line;
    }

    /// <summary>The identifier, lower case.</summary>
    public string Name { get; }

    /// <summary>The line it starts on.</summary>
    public int Line { get; }

    /// <summary>The arguments in order.</summary>
    public List<SieveArgument> Arguments { get; } = [];

    /// <summary>The test or tests that follow the arguments.</summary>
    public List<SieveNode> Tests { get; } = [];

    /// <summary>Whether the tests were written as a parenthesised test list.</summary>
    public bool HasTestList { get; set; }

    /// <summary>The block of a control command, or <see langword="null"/> for a command ended by ';' (and for tests).</summary>
    public List<SieveNode>? Block { get; set; }

    /// <summary>The tagged arguments once checked: the tag and the argument that goes with it, if it takes one.</summary>
    public Dictionary<string, SieveArgument?> Tags { get; } = new(StringComparer.Ordinal);

    /// <summary>The positional arguments once checked.</summary>
    public List<SieveArgument> Positional { get; } = [];
}
