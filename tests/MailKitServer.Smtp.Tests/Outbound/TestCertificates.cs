using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MailKitServer.Smtp.Tests.Outbound;

/// <summary>A private CA and a server certificate it issued (with its key), for TLS tests of outbound delivery.</summary>
internal sealed class TestCertificates : IDisposable
{
    private TestCertificates(X509Certificate2 ca, X509Certificate2 leaf, RSA leafKey)
    {
        Ca = ca;
        Leaf = leaf;
        LeafKey = leafKey;
    }

    /// <summary>The CA certificate (no key).</summary>
    public X509Certificate2 Ca { get; }

    /// <summary>The server certificate with its private key.</summary>
    public X509Certificate2 Leaf { get; }

    /// <summary>The server certificate's key.</summary>
    public RSA LeafKey { get; }

    /// <summary>Makes a CA and a server certificate for <paramref name="names"/> (the first is the subject).</summary>
    public static TestCertificates Create(params string[] names)
    {
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=MailKitServer Test CA", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        using var caWithKey = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        var leafKey = RSA.Create(2048);
        var leafRequest = new CertificateRequest("CN=" + names[0], leafKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in names)
        {
            san.AddDnsName(name);
        }

        leafRequest.CertificateExtensions.Add(san.Build());
        leafRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        leafRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(caWithKey, true, false));
        using var issued = leafRequest.Create(caWithKey, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(29), RandomNumberGenerator.GetBytes(8));
        using var withKey = issued.CopyWithPrivateKey(leafKey);
        var leaf = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pfx), null);
        return new TestCertificates(X509CertificateLoader.LoadCertificate(caWithKey.RawData), leaf, leafKey);
    }

    /// <summary>Writes the server certificate and its key as PEM files (for Python's ssl).</summary>
    public (string CertFile, string KeyFile) WritePem(string directory)
    {
        var certFile = Path.Combine(directory, "leaf.pem");
        var keyFile = Path.Combine(directory, "leaf.key");
        File.WriteAllText(certFile, Leaf.ExportCertificatePem());
        File.WriteAllText(keyFile, LeafKey.ExportPkcs8PrivateKeyPem());
        return (certFile, keyFile);
    }

    public void Dispose()
    {
        Ca.Dispose();
        Leaf.Dispose();
        LeafKey.Dispose();
    }
}
