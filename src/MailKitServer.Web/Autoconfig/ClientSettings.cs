using MailKitServer.Runtime;

namespace MailKitServer.Web.Autoconfig;

/// <summary>
/// What autoconfiguration tells mail clients, from the server's bound listeners: IMAP and POP3 over implicit TLS first,
/// then STARTTLS; submission over implicit TLS (RFC 8314 §3.3 prefers it), then STARTTLS. The MTA port (25) and LMTP are
/// not for clients and are never offered.
/// </summary>
internal static class ClientSettings
{
    public static List<ClientEndpoint> Endpoints(MailServer server)
    {
        var list = new List<ClientEndpoint>();
        foreach (var (name, protocol) in new[] { ("imaps", "imap"), ("imap", "imap"), ("pop3s", "pop3"), ("pop3", "pop3"), ("smtps", "smtp"), ("submission", "smtp") })
        {
            foreach (var endpoint in server.Endpoints.Where(e => string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase)))
            {
                list.Add(new ClientEndpoint(protocol, endpoint.Port, endpoint.Tls == TlsMode.Implicit));
            }
        }

        return list;
    }
}
