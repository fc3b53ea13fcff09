namespace MailKitServer.Smtp.Milter;

/// <summary>
/// The protocol flags of milter option negotiation (libmilter's SMFIP_*): steps the filter does not want (NO*),
/// steps it will not answer (NR*), and SKIP (it may answer a body chunk with "skip the rest").
/// </summary>
[Flags]
internal enum MilterSteps : uint
{
    None = 0,
    NoConnect = 0x1,
    NoHelo = 0x2,
    NoMail = 0x4,
    NoRecipient = 0x8,
    NoBody = 0x10,
    NoHeaders = 0x20,
    NoEndOfHeaders = 0x40,
    NoReplyHeader = 0x80,
    NoUnknown = 0x100,
    NoData = 0x200,
    Skip = 0x400,
    RejectedRecipients = 0x800,
    NoReplyConnect = 0x1000,
    NoReplyHelo = 0x2000,
    NoReplyMail = 0x4000,
    NoReplyRecipient = 0x8000,
    NoReplyData = 0x10000,
    NoReplyUnknown = 0x20000,
    NoReplyEndOfHeaders = 0x40000,
    NoReplyBody = 0x80000,
    HeaderLeadingSpace = 0x100000,

    /// <summary>What this client offers: every step may be left out or left unanswered, and SKIP.</summary>
    Offered = 0xFFFFF & ~RejectedRecipients,
}
