namespace MailKitServer.Sieve.Compilation;

/// <summary>What an argument position takes.</summary>
internal enum ArgumentKind
{
    /// <summary>A tag alone.</summary>
    None,

    /// <summary>One string.</summary>
    String,

    /// <summary>A string or a string list.</summary>
    StringList,

    /// <summary>A number.</summary>
    Number,
}
