namespace MailKitServer.Smtp.Outbound.TlsRpt;

/// <summary>The result types of failed sessions a report names (RFC 8460 §4.3).</summary>
internal static class TlsResultType
{
    /// <summary>§4.3.1: the host did not offer STARTTLS.</summary>
    public const string StartTlsNotSupported = "starttls-not-supported";

    /// <summary>§4.3.1: the certificate is not for the host's name.</summary>
    public const string CertificateHostMismatch = "certificate-host-mismatch";

    /// <summary>§4.3.1: the certificate has expired (or is not yet valid).</summary>
    public const string CertificateExpired = "certificate-expired";

    /// <summary>§4.3.1: the certificate does not chain to a trusted root.</summary>
    public const string CertificateNotTrusted = "certificate-not-trusted";

    /// <summary>§4.3.1: any other failure to validate the host (a DANE mismatch, an MX host the MTA-STS policy does not name).</summary>
    public const string ValidationFailure = "validation-failure";
}
