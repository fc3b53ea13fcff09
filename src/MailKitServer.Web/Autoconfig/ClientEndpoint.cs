namespace MailKitServer.Web.Autoconfig;

/// <summary>One place a mail client connects to: protocol (imap, pop3, smtp), port and whether TLS is implicit or STARTTLS.</summary>
internal sealed record ClientEndpoint(string Protocol, int Port, bool ImplicitTls);
