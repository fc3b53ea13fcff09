using MailKitServer.Imap.Parsing;

namespace MailKitServer.Imap.Commands;

/// <summary>One command as the session hands it to its <see cref="ImapCommand"/>: tag, arguments and whether it came as "UID cmd".</summary>
/// <param name="Tag">The tag.</param>
/// <param name="Name">The command name, upper case (without "UID").</param>
/// <param name="Arguments">The arguments after the name; valid only while the command runs (they may point into a reused arena).</param>
/// <param name="Uid">Whether the command came with the UID prefix (RFC 9051 §6.4.9).</param>
internal sealed record ImapRequest(string Tag, string Name, IReadOnlyList<ImapToken> Arguments, bool Uid);
