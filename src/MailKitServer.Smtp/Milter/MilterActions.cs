namespace MailKitServer.Smtp.Milter;

/// <summary>What a filter may do to a message at end of message (libmilter's SMFIF_*), as negotiated.</summary>
[Flags]
internal enum MilterActions : uint
{
    None = 0,
    AddHeaders = 0x1,
    ChangeBody = 0x2,
    AddRecipients = 0x4,
    DeleteRecipients = 0x8,
    ChangeHeaders = 0x10,
    Quarantine = 0x20,
    ChangeFrom = 0x40,
    AddRecipientsWithArguments = 0x80,
    SetSymbolList = 0x100,

    /// <summary>Everything this client can apply.</summary>
    Offered = 0x1FF,
}
