using MailKitServer.Addresses;

namespace MailKitServer.Policy;

/// <summary>A MAIL FROM command as the policy sees it.</summary>
/// <param name="Sender">The reverse-path, or <see langword="null"/> for the null sender <c>&lt;&gt;</c>.</param>
/// <param name="DeclaredSize">The SIZE parameter (RFC 1870), if given.</param>
/// <param name="Parameters">Every ESMTP parameter by upper-case keyword (a parameter without value maps to <see langword="null"/>).</param>
public sealed record MailFromRequest(MailAddress? Sender, long? DeclaredSize, IReadOnlyDictionary<string, string?> Parameters);
