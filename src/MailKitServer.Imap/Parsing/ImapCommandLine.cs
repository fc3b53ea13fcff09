namespace MailKitServer.Imap.Parsing;

/// <summary>A whole IMAP command: tag, name (upper case), and argument tokens.</summary>
internal sealed class ImapCommandLine
{
    private string? _tag;
    private ImapToken? _tagToken;

    /// <summary>Creates a command.</summary>
    /// <param name="tag">The tag, as the client sent it (answers carry it back).</param>
    /// <param name="name">The command name, upper case (UID commands keep "UID" and the sub-command in <paramref name="arguments"/>).</param>
    /// <param name="arguments">The arguments after the name, each a token (a literal is a string token).</param>
    public ImapCommandLine(string tag, string name, IReadOnlyList<ImapToken> arguments)
    {
        _tag = tag;
        Name = name;
        Arguments = arguments;
    }

    /// <summary>A reusable command for a parse arena.</summary>
    internal ImapCommandLine()
    {
        Name = string.Empty;
        Arguments = [];
    }

    /// <summary>The tag (made as a string when first read).</summary>
    public string Tag => _tag ??= _tagToken?.Text ?? string.Empty;

    /// <summary>The command name, upper case.</summary>
    public string Name { get; private set; }

    /// <summary>The arguments.</summary>
    public IReadOnlyList<ImapToken> Arguments { get; private set; }

    /// <summary>Makes the tag's text and forgets its token and the arguments (the session lets go of its parse arena).</summary>
    internal void KeepTagOnly()
    {
        _ = Tag;
        _tagToken = null;
        Arguments = [];
    }

    internal void Set(ImapToken tag, string name, IReadOnlyList<ImapToken> arguments)
    {
        _tag = null;
        _tagToken = tag;
        Name = name;
        Arguments = arguments;
    }
}
