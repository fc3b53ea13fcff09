namespace MailKitServer.Sieve.Compilation;

/// <summary>The signature of a command or test: its extension, tags, positional arguments and tests.</summary>
/// <param name="Capability">The extension a script must require, or <see langword="null"/> for the base language.</param>
/// <param name="Tags">The tags it accepts.</param>
/// <param name="Positional">The positional arguments, in order.</param>
/// <param name="OptionalLeading">How many leading positional arguments may be left out (imap4flags' variable name, deleteheader's value patterns at the end are handled as <see cref="OptionalTrailing"/>).</param>
/// <param name="OptionalTrailing">How many trailing positional arguments may be left out.</param>
/// <param name="Tests">How many tests follow: 0, 1, or -1 for a test list.</param>
/// <param name="Block">Whether a block follows (control commands).</param>
internal sealed record CommandSpec(string? Capability, IReadOnlyList<TagSpec> Tags, IReadOnlyList<ArgumentKind> Positional, int OptionalLeading = 0, int OptionalTrailing = 0, int Tests = 0, bool Block = false);
