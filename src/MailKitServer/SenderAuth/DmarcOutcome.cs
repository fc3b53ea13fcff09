namespace MailKitServer.SenderAuth;

/// <summary>A DMARC evaluation (RFC 7489): the author domain, the policy it publishes, and what applies to this message.</summary>
/// <param name="Result">The result.</param>
/// <param name="FromDomain">The RFC5322.From domain evaluated, or <see langword="null"/> when the message has no single one.</param>
/// <param name="Policy">
/// The policy that applies to the From domain (<c>p=</c>, or <c>sp=</c> for a subdomain of the organizational domain), or
/// <see langword="null"/> when no policy was found.
/// </param>
/// <param name="Disposition">
/// What the policy asks for this message: <see cref="DmarcPolicy.None"/> unless it failed; after <c>pct=</c> sampling.
/// </param>
/// <param name="SpfAligned">Whether SPF passed for a domain aligned with the From domain.</param>
/// <param name="DkimAligned">Whether a DKIM signature of a domain aligned with the From domain passed.</param>
/// <param name="Reason">Why, in words, when the result needs explaining.</param>
public sealed record DmarcOutcome(DmarcResult Result, string? FromDomain, DmarcPolicy? Policy, DmarcPolicy Disposition, bool SpfAligned, bool DkimAligned, string? Reason = null);
