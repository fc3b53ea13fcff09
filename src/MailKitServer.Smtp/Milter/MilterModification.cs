namespace MailKitServer.Smtp.Milter;

/// <summary>One change a filter asked for at end of message, in the order asked.</summary>
/// <param name="Kind">What kind.</param>
/// <param name="Name">The header field name (header changes), the address (recipients, sender) or the reason (quarantine).</param>
/// <param name="Value">The header field value, or the ESMTP arguments of a recipient or sender.</param>
/// <param name="Index">InsertHeader: the position (0 first); ChangeHeader: which field of the name (1 first).</param>
/// <param name="Body">ReplaceBody: the new body.</param>
internal sealed record MilterModification(MilterModificationKind Kind, string Name, string? Value = null, int Index = 0, byte[]? Body = null);
