namespace MailKitServer.SenderAuth;

/// <summary>The validation of a message's ARC chain.</summary>
/// <param name="Result">The chain validation status.</param>
/// <param name="Instances">How many ARC sets the message carries.</param>
/// <param name="Reason">Why it failed, in words, or <see langword="null"/>.</param>
public sealed record ArcOutcome(ArcResult Result, int Instances, string? Reason = null);
