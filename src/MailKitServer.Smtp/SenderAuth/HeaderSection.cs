namespace MailKitServer.Smtp.SenderAuth;

/// <summary>The header section of a message as the scanner found it.</summary>
/// <param name="Fields">The fields in order.</param>
/// <param name="BodyOffset">Where the body starts (after the empty line), from the start of the content.</param>
/// <param name="TooLarge">Whether the section was longer than the limit (then <paramref name="Fields"/> is empty).</param>
internal sealed record HeaderSection(IReadOnlyList<RawHeaderField> Fields, long BodyOffset, bool TooLarge);
