namespace MailKitServer.Testing.Faults;

/// <summary>The body of <c>POST /api/v1/faults</c>.</summary>
/// <param name="Kind">refuse, delay, drop, drop-after-storing or greylist.</param>
/// <param name="Stage">connect, helo, mailfrom, rcptto or data.</param>
/// <param name="Code">The reply code of a refusal (default 451).</param>
/// <param name="Text">The reply text of a refusal.</param>
/// <param name="Times">How many times (default 1; -1 for always).</param>
/// <param name="Recipient">For a refusal at RCPT TO: only this recipient.</param>
/// <param name="DelayMilliseconds">For a delay: how long.</param>
/// <param name="Probability">For a refusal: the chance per stage (0 to 1), always armed (Mailpit's chaos).</param>
internal sealed record FaultRequest(string Kind, string? Stage, int? Code, string? Text, int? Times, string? Recipient, double? DelayMilliseconds, double? Probability);
