namespace MailKitServer.Delivery;

/// <summary>A remote recipient with its DSN parameters.</summary>
/// <param name="Address">The address.</param>
/// <param name="Notify">DSN NOTIFY (RFC 3461 §4.1); <see cref="DsnNotify.None"/> when not given.</param>
/// <param name="OriginalRecipient">DSN ORCPT as <c>addr-type;address</c>, decoded from xtext, if given.</param>
public sealed record OutboundRecipient(string Address, DsnNotify Notify, string? OriginalRecipient);
