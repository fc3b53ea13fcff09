namespace MailKitServer.Delivery;

/// <summary>The envelope of a message for remote delivery, with what the next hop must honour.</summary>
/// <param name="ReversePath">The sender, empty for <c>&lt;&gt;</c>.</param>
/// <param name="Recipients">The remote recipients.</param>
/// <param name="Body">The body type declared at MAIL (RFC 6152, RFC 3030).</param>
/// <param name="SmtpUtf8">Whether the message needs SMTPUTF8 (RFC 6531).</param>
/// <param name="RequireTls">Whether REQUIRETLS was asked (RFC 8689).</param>
/// <param name="Return">DSN RET (RFC 3461), if given.</param>
/// <param name="EnvelopeId">DSN ENVID (RFC 3461), decoded from xtext, if given.</param>
public sealed record OutboundEnvelope(string ReversePath, IReadOnlyList<OutboundRecipient> Recipients, BodyType Body, bool SmtpUtf8, bool RequireTls, DsnReturn? Return, string? EnvelopeId);
