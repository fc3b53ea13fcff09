using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace MailKitServer.Smtp.Outbound;

/// <summary>Certificate validation against a given set of root certificates instead of the system's (a private CA).</summary>
internal static class CertificateTrust
{
    /// <summary>
    /// Whether a peer certificate is valid: its name matched the host (the platform checked that), and it chains to one
    /// of <paramref name="roots"/>.
    /// </summary>
    public static bool Validate(X509Certificate? certificate, SslPolicyErrors errors, X509Certificate2Collection roots)
    {
        if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNotAvailable | SslPolicyErrors.RemoteCertificateNameMismatch)) != 0)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = new X509Certificate2(certificate);
        return chain.Build(leaf);
    }
}
