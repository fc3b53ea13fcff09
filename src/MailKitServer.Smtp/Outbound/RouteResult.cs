namespace MailKitServer.Smtp.Outbound;

/// <summary>The hosts to try for a domain, in order, or the reason there are none (as a reply: 4xx temporary, 5xx permanent).</summary>
/// <param name="Targets">The hosts.</param>
/// <param name="Failure">Why there are none.</param>
/// <param name="Sts">The domain's MTA-STS policy in enforce mode, for TLS reports (RFC 8460).</param>
internal sealed record RouteResult(IReadOnlyList<RouteTarget> Targets, SmtpClientReply? Failure, TlsRpt.TlsSessionPolicy? Sts = null);
