namespace MailKitServer.Sieve.Execution;

/// <summary>One action a script took, with its arguments.</summary>
/// <param name="Kind">The action.</param>
/// <param name="Argument">The mailbox (fileinto), address (redirect) or reason (reject).</param>
/// <param name="Flags">The IMAP flags of a keep or fileinto (RFC 5232).</param>
/// <param name="Copy">Whether <c>:copy</c> was given (RFC 3894).</param>
/// <param name="Create">Whether <c>:create</c> was given (RFC 5490).</param>
/// <param name="Vacation">The vacation arguments.</param>
/// <param name="Extended">For reject: whether it was ereject.</param>
internal sealed record SieveAction(SieveActionKind Kind, string? Argument = null, IReadOnlyList<string>? Flags = null, bool Copy = false, bool Create = false, SieveVacation? Vacation = null, bool Extended = false);
