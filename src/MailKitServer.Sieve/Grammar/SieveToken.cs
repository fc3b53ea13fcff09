namespace MailKitServer.Sieve.Grammar;

/// <summary>One lexical token with the line it starts on.</summary>
/// <param name="Kind">The kind.</param>
/// <param name="Text">The identifier or tag name (lower case, tags without the colon), the string's value, or the special character.</param>
/// <param name="Number">The number's value.</param>
/// <param name="Line">The line, from 1.</param>
internal readonly record struct SieveToken(SieveTokenKind Kind, string Text, long Number, int Line)
{
    /// <summary>Whether this is the special character <paramref name="c"/>.</summary>
    /// <param name="c">The character.</param>
    /// <returns>Whether it is.</returns>
    public bool Is(char c) => Kind == SieveTokenKind.Special && Text[0] == c;

    /// <summary>How the token reads in an error message.</summary>
    /// <returns>The description.</returns>
    public string Describe() => Kind switch
    {
        SieveTokenKind.End => "end of script",
        SieveTokenKind.Identifier => $"identifier '{Text}'",
        SieveTokenKind.Tag => $"tag ':{Text}'",
        SieveTokenKind.Number => $"number {Number}",
        SieveTokenKind.String => "string",
        _ => $"'{Text}'",
    };
}
