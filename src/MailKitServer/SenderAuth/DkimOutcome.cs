namespace MailKitServer.SenderAuth;

/// <summary>The verification of one DKIM-Signature field.</summary>
/// <param name="Result">The result.</param>
/// <param name="Domain">The signing domain (<c>d=</c>), when the signature names one.</param>
/// <param name="Selector">The selector (<c>s=</c>), when the signature names one.</param>
/// <param name="Algorithm">The algorithm (<c>a=</c>), such as <c>rsa-sha256</c> or <c>ed25519-sha256</c>.</param>
/// <param name="SignaturePrefix">The first characters of the signature (<c>b=</c>), which tell signatures apart (RFC 6008).</param>
/// <param name="Reason">Why the result is not <see cref="DkimResult.Pass"/>, in words, or <see langword="null"/>.</param>
public sealed record DkimOutcome(DkimResult Result, string? Domain, string? Selector, string? Algorithm, string? SignaturePrefix, string? Reason = null);
