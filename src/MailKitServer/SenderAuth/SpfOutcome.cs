namespace MailKitServer.SenderAuth;

/// <summary>One SPF check: which identity was checked, in which domain, and with what result.</summary>
/// <param name="Result">The result.</param>
/// <param name="Identity">What was checked: <c>mailfrom</c> (the MAIL FROM domain) or <c>helo</c> (the HELO/EHLO name).</param>
/// <param name="Domain">The domain checked (the MAIL FROM domain, or the HELO name).</param>
/// <param name="Explanation">
/// For <see cref="SpfResult.Fail"/>, the domain's explanation (its <c>exp=</c> text) when it has one; for errors, why.
/// Text from the domain owner: show it to the sender, never trust it.
/// </param>
public sealed record SpfOutcome(SpfResult Result, string Identity, string Domain, string? Explanation = null);
