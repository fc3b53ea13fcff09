using System.Globalization;

namespace MailKitServer.Host;

/// <summary>
/// The SRV records (RFC 6186, with RFC 8314's <c>_submissions</c>) that let mail clients find this host's services:
/// one per service and domain, and the "not provided" record (target ".") for a service that is off (RFC 6186 §4).
/// </summary>
internal static class DnsRecords
{
    private const int Ttl = 3600;

    public static string For(HostOptions options)
    {
        var host = options.Domains[0].TrimEnd('.') + ".";
        var text = new System.Text.StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"; SRV records for mail clients (RFC 6186, RFC 8314 §5.1); the mail host is {host}");
        foreach (var domain in options.Domains)
        {
            // Implicit TLS is preferred to STARTTLS (RFC 8314 §3.3) and IMAP to POP3: lower priority first.
            foreach (var (service, port, priority) in new[]
            {
                ("_submissions", "smtps", 0), ("_submission", "submission", 10),
                ("_imaps", "imaps", 0), ("_imap", "imap", 10),
                ("_pop3s", "pop3s", 20), ("_pop3", "pop3", 30),
            })
            {
                var p = options.Ports[port];
                var name = $"{service}._tcp.{domain.TrimEnd('.')}.";
                text.AppendLine(p > 0
                    ? string.Create(CultureInfo.InvariantCulture, $"{name} {Ttl} IN SRV {priority} 1 {p} {host}")
                    : string.Create(CultureInfo.InvariantCulture, $"{name} {Ttl} IN SRV 0 0 0 ."));
            }
        }

        return text.ToString();
    }
}
