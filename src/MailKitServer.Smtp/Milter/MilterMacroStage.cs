namespace MailKitServer.Smtp.Milter;

/// <summary>The stages a filter may ask macros for in version 6 negotiation (libmilter's SMFIM_*), by number.</summary>
internal enum MilterMacroStage : uint
{
    Connect = 0,
    Helo = 1,
    Mail = 2,
    Recipient = 3,
    Data = 4,
    EndOfMessage = 5,
    EndOfHeaders = 6,
}
