using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MailKitServer.Runtime.Tls;

/// <summary>
/// A self-signed certificate for localhost, 127.0.0.1 and ::1, generated once per process when no certificate is
/// configured, so STARTTLS and implicit TLS work out of the box. Clients must be told to trust it (or not to verify).
/// </summary>
public static class DevelopmentCertificate
{
    private static readonly Lazy<X509Certificate2> Shared = new(() => Create("localhost"));

    /// <summary>The process-wide development certificate.</summary>
    public static X509Certificate2 Instance => Shared.Value;

    /// <summary>Creates a new self-signed certificate (RSA 2048, SHA-256, valid one year, server authentication).</summary>
    /// <param name="hostName">The host name for the subject and the DNS subject alternative name.</param>
    /// <returns>The certificate with its private key.</returns>
    public static X509Certificate2 Create(string hostName)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest($"CN={hostName}, O=MailKitServer development", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(hostName);
        if (hostName != "localhost")
        {
            san.AddDnsName("localhost");
        }

        san.AddIpAddress(IPAddress.Loopback);
        san.AddIpAddress(IPAddress.IPv6Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var now = DateTimeOffset.UtcNow;
        using var cert = request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(1));
        return X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pfx), null, X509KeyStorageFlags.Exportable);
    }

    /// <summary>Loads a certificate with its private key from a PKCS#12 (.pfx) file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="password">Its password, or <see langword="null"/>.</param>
    /// <returns>The certificate.</returns>
    public static X509Certificate2 LoadPfx(string path, string? password) =>
        X509CertificateLoader.LoadPkcs12FromFile(path, password, X509KeyStorageFlags.Exportable);
}
