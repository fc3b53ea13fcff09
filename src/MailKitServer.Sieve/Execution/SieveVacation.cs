namespace MailKitServer.Sieve.Execution;

/// <summary>The arguments of a vacation action (RFC 5230 §4, RFC 6131), variables expanded.</summary>
/// <param name="Reason">The reply text (or a MIME entity when <paramref name="Mime"/>).</param>
/// <param name="Period">How long after a reply no other goes to the same sender for the same handle.</param>
/// <param name="Subject">The subject, or <see langword="null"/> for "Auto: " and the original subject.</param>
/// <param name="From">The From address, or <see langword="null"/> for the recipient's.</param>
/// <param name="Addresses">The user's other addresses (§4.5).</param>
/// <param name="Mime">Whether the reason is a MIME entity.</param>
/// <param name="Handle">The handle, or <see langword="null"/> to derive one from the arguments (§4.2).</param>
internal sealed record SieveVacation(string Reason, TimeSpan Period, string? Subject, string? From, IReadOnlyList<string> Addresses, bool Mime, string? Handle);
