namespace MailKitServer.Sieve.Compilation;

/// <summary>A tagged argument a command or test accepts.</summary>
/// <param name="Name">The tag, lower case, without the colon.</param>
/// <param name="Value">What follows the tag.</param>
/// <param name="Capability">The extension a script must require to use it, if any.</param>
/// <param name="Group">Tags of one group exclude each other (such as the match types).</param>
internal sealed record TagSpec(string Name, ArgumentKind Value = ArgumentKind.None, string? Capability = null, string? Group = null);
