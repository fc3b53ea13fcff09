namespace MailKitServer.Imap.Parsing;

/// <summary>The kinds of token in an IMAP command.</summary>
internal enum ImapTokenKind
{
    /// <summary>An atom (including NIL, numbers, sequence sets, and FETCH items with their [section] and &lt;partial&gt;).</summary>
    Atom,

    /// <summary>A quoted string or a literal.</summary>
    String,

    /// <summary>A parenthesised list.</summary>
    List,
}
