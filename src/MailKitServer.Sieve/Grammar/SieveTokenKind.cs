namespace MailKitServer.Sieve.Grammar;

/// <summary>The kinds of RFC 5228 §8.1 lexical tokens.</summary>
internal enum SieveTokenKind
{
    /// <summary>The end of the script.</summary>
    End,

    /// <summary>An identifier (a command or test name).</summary>
    Identifier,

    /// <summary>A tagged argument such as <c>:is</c>.</summary>
    Tag,

    /// <summary>A number, with its K/M/G quantifier applied.</summary>
    Number,

    /// <summary>A quoted or multi-line string.</summary>
    String,

    /// <summary>One of <c>[ ] ( ) { } , ;</c>.</summary>
    Special,
}
