namespace MailKitServer.Smtp.SenderAuth.Spf;

/// <summary>A parsed SPF record: its directives in order and its two known modifiers (RFC 7208 §4.6, §6).</summary>
/// <param name="Mechanisms">The directives, evaluated left to right.</param>
/// <param name="Redirect">The unexpanded <c>redirect=</c> domain-spec, or <see langword="null"/>.</param>
/// <param name="Explanation">The unexpanded <c>exp=</c> domain-spec, or <see langword="null"/>.</param>
internal sealed record SpfRecord(IReadOnlyList<SpfMechanism> Mechanisms, string? Redirect, string? Explanation);
