using MailKitServer.Sieve.Compilation;

namespace MailKitServer.Sieve.Execution;

/// <summary>One script being run (the main one or an included one): its local variables and the globals it declared (RFC 6609 §3.3).</summary>
/// <param name="Script">The script.</param>
/// <param name="Name">Its name, for include cycle detection.</param>
internal sealed record SieveFrame(SieveScript Script, string Name)
{
    /// <summary>The script's own variables; names are case-insensitive (RFC 5229 §3).</summary>
    public Dictionary<string, string> Locals { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The names this script declared global.</summary>
    public HashSet<string> GlobalNames { get; } = new(StringComparer.OrdinalIgnoreCase);
}
