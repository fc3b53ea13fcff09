using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MailKitServer.Dns;

namespace MailKitServer.Smtp.Outbound.Dane;

/// <summary>
/// Checks an SMTP server's certificate against its host's TLSA records (RFC 7672 §3.1, RFC 6698 §2.1): DANE-EE (3)
/// matches the end-entity certificate, with no name or expiry check (§3.1.1); DANE-TA (2) matches a certificate the
/// server sent as part of its chain, which must lead to the end-entity certificate, whose name must match the host
/// (§3.1.2). PKIX usages (0, 1) are not usable for SMTP (§3.1.3); selector 0 is the whole certificate, 1 its
/// SubjectPublicKeyInfo; matching 0 exact, 1 SHA-256, 2 SHA-512.
/// </summary>
internal static class DaneVerifier
{
    /// <summary>The most TLSA records considered for one host; the rest are ignored (a bound on the work per handshake).</summary>
    public const int MaxRecords = 32;

    /// <summary>The records that can authenticate an SMTP server (RFC 7672 §3.1), at most <see cref="MaxRecords"/>.</summary>
    public static IReadOnlyList<TlsaRecord> Usable(IEnumerable<TlsaRecord> records) =>
        records.Take(MaxRecords).Where(r => r.Usage is 2 or 3 && r.Selector is 0 or 1 && r.MatchingType is 0 or 1 or 2).ToList();

    /// <summary>Whether the certificate the server presented satisfies one of the records.</summary>
    /// <param name="certificate">The server's certificate.</param>
    /// <param name="chain">The chain the platform built, with the certificates the server sent.</param>
    /// <param name="errors">What the platform found (only the name check is used, for DANE-TA).</param>
    /// <param name="records">The usable TLSA records of the host.</param>
    public static bool Verify(X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors, IReadOnlyList<TlsaRecord> records)
    {
        if (certificate is null)
        {
            return false;
        }

        using var leaf = new X509Certificate2(certificate);
        foreach (var record in records.Where(r => r.Usage == 3))
        {
            if (Matches(leaf, record))
            {
                return true;
            }
        }

        var anchors = records.Where(r => r.Usage == 2).ToList();
        if (anchors.Count == 0 || chain is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            return false;
        }

        // DANE-TA: a certificate the server sent (ChainElements past the leaf, or ExtraStore) is the trust anchor.
        var presented = chain.ChainElements.Select(e => e.Certificate).Skip(1).Concat(chain.ChainPolicy.ExtraStore.Cast<X509Certificate2>()).ToList();
        foreach (var anchor in presented.Where(c => anchors.Exists(a => Matches(c, a))))
        {
            using var anchored = new X509Chain();
            anchored.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            anchored.ChainPolicy.CustomTrustStore.Add(anchor);
            anchored.ChainPolicy.ExtraStore.AddRange(presented.ToArray());
            anchored.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            if (anchored.Build(leaf))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether one certificate matches one record's selector, matching type and data.</summary>
    public static bool Matches(X509Certificate2 certificate, TlsaRecord record)
    {
        var selected = record.Selector == 0 ? certificate.RawData : certificate.PublicKey.ExportSubjectPublicKeyInfo();
        var digest = record.MatchingType switch
        {
            1 => SHA256.HashData(selected),
            2 => SHA512.HashData(selected),
            _ => selected,
        };
        return CryptographicOperations.FixedTimeEquals(digest, record.Data.Span);
    }
}
