namespace MailKitServer.Sieve.Grammar;

/// <summary>One argument of a command or test (RFC 5228 §2.6): a tag, a number or a string list.</summary>
/// <param name="Line">The line it is on.</param>
/// <param name="Tag">The tag's name without the colon, lower case, for a tag.</param>
/// <param name="Number">The value, for a number.</param>
/// <param name="Strings">The strings, for a string or string list.</param>
/// <param name="IsList">Whether the strings were written as a bracketed list.</param>
internal sealed record SieveArgument(int Line, string? Tag = null, long? Number = null, IReadOnlyList<string>? Strings = null, bool IsList = false)
{
    /// <summary>How the argument reads in an error message.</summary>
    /// <returns>The description.</returns>
    public string Describe() => Tag is not null ? $"tag ':{Tag}'" : Number is not null ? "a number" : IsList ? "a string list" : "a string";
}
