using MailKitServer.Imap.Parsing;
using MailKitServer.Runtime;

namespace MailKitServer.Imap.Session;

/// <summary>What reading one command produced: a command, a handled refusal, or why the connection ends.</summary>
internal readonly record struct ReadOutcome(LineReadStatus Status, ImapCommandLine? Command, string? SyntaxError, string? Tag);
