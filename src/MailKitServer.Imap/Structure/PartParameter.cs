namespace MailKitServer.Imap.Structure;

/// <summary>A Content-Type or Content-Disposition parameter, with RFC 2231 continuations joined and its charset decoded.</summary>
/// <param name="Name">The parameter name, lower case.</param>
/// <param name="Value">The decoded value.</param>
internal sealed record PartParameter(string Name, string Value);
