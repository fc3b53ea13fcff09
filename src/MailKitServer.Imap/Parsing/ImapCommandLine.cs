namespace MailKitServer.Imap.Parsing;

/// <summary>A whole IMAP command: tag, name (upper case), and argument tokens.</summary>
/// <param name="Tag">The tag.</param>
/// <param name="Name">The command name, upper case (UID commands keep "UID" and the sub-command in <see cref="Arguments"/>).</param>
/// <param name="Arguments">The arguments.</param>
public sealed record ImapCommandLine(string Tag, string Name, IReadOnlyList<ImapToken> Arguments);
