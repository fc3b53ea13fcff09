namespace MailKitServer.Runtime;

/// <summary>How a listener uses TLS.</summary>
public enum TlsMode
{
    /// <summary>Plain text; the protocol may offer STARTTLS/STLS.</summary>
    None,

    /// <summary>TLS from the first byte (RFC 8314: ports 465, 993, 995).</summary>
    Implicit,
}
