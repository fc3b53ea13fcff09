namespace MailKitServer.Smtp.Milter;

/// <summary>A filter's answer to a step, with the SMTP reply it chose (SMFIR_REPLYCODE: "550 5.7.1 text"), if any.</summary>
/// <param name="Action">What to do.</param>
/// <param name="Reply">The reply line(s) to give the client instead of the default; null for the default.</param>
internal sealed record MilterDecision(MilterAction Action, string? Reply = null)
{
    public static readonly MilterDecision Continue = new(MilterAction.Continue);
}
