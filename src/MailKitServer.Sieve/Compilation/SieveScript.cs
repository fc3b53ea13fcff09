using MailKitServer.Sieve.Grammar;

namespace MailKitServer.Sieve.Compilation;

/// <summary>A compiled script: its checked commands and the extensions it requires. Immutable once made; shared by runs.</summary>
internal sealed class SieveScript
{
    /// <summary>Creates a script.</summary>
    /// <param name="commands">The checked top-level commands.</param>
    /// <param name="requires">The extensions required.</param>
    public SieveScript(IReadOnlyList<SieveNode> commands, IReadOnlySet<string> requires)
    {
        Commands = commands;
        Requires = requires;
    }

    /// <summary>The checked top-level commands.</summary>
    public IReadOnlyList<SieveNode> Commands { get; }

    /// <summary>The extensions required (with those implied, such as spamtest by spamtestplus).</summary>
    public IReadOnlySet<string> Requires { get; }

    /// <summary>Whether the script requires <paramref name="capability"/>.</summary>
    /// <param name="capability">The extension.</param>
    /// <returns>Whether it does.</returns>
    public bool Has(string capability) => Requires.Contains(capability);
}
