using MailKitServer.Smtp.SenderAuth.Signing;

namespace MailKitServer.Smtp.Outbound.TlsRpt;

/// <summary>
/// SMTP TLS reporting (RFC 8460) for outbound delivery: the queue counts each day's TLS sessions per recipient domain
/// and policy (MTA-STS, DANE or none) with the failures by kind, and after each UTC day sends every domain that
/// publishes a <c>_smtp._tls</c> TXT record its report, gzipped JSON in a <c>multipart/report</c> message through the
/// queue itself, to each <c>mailto:</c> address of the record. <c>https:</c> addresses are not posted to (logged).
/// Reports are delivered despite TLS policy failures (RFC 8460 §5.3) and are not counted in later reports.
/// </summary>
public sealed class TlsReportOptions
{
    /// <summary>"organization-name" of the reports (required).</summary>
    public string OrganizationName { get; set; } = string.Empty;

    /// <summary>
    /// The address reports come from, envelope and From (required); its domain is the submitter. Mail from this
    /// address is recognised as a report by the queue, so use it for nothing else.
    /// </summary>
    public string Sender { get; set; } = string.Empty;

    /// <summary>"contact-info" of the reports; <see cref="Sender"/> when null.</summary>
    public string? ContactInfo { get; set; }

    /// <summary>A key to DKIM-sign the reports with (RFC 8460 §5.3 asks for signed reports); null sends them unsigned.</summary>
    public DkimSigningKey? SigningKey { get; set; }
}
