using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MailKitServer.Dns;
using MailKitServer.Smtp.Outbound.Dane;

namespace MailKitServer.Smtp.Tests.Outbound;

/// <summary>Matching a server's certificate against TLSA records (RFC 7672 §3.1, RFC 6698 §2.1).</summary>
public sealed class DaneVerifierTests
{
    [Theory]
    [InlineData(3, 1, 1, true)]
    [InlineData(3, 0, 1, true)]
    [InlineData(3, 1, 2, true)]
    [InlineData(3, 1, 0, true)]
    [InlineData(2, 1, 1, true)]
    [InlineData(2, 0, 1, true)]
    [InlineData(1, 1, 1, false)]
    [InlineData(0, 1, 1, false)]
    public void A_record_of_the_right_certificate_matches_with_the_usages_SMTP_may_use(byte usage, byte selector, byte matching, bool expected)
    {
        using var certificates = TestCertificates.Create("mx.b.test");
        var subject = usage == 2 ? certificates.Ca : certificates.Leaf;
        var records = DaneVerifier.Usable([Record(usage, selector, matching, subject)]);
        using var chain = ChainOf(certificates);
        Assert.Equal(expected, DaneVerifier.Verify(certificates.Leaf, chain, SslPolicyErrors.RemoteCertificateChainErrors, records));
    }

    [Fact]
    public void Another_key_does_not_match_and_DANE_TA_needs_the_name_to_match()
    {
        using var certificates = TestCertificates.Create("mx.b.test");
        using var other = TestCertificates.Create("mx.b.test");
        using var chain = ChainOf(certificates);
        Assert.False(DaneVerifier.Verify(certificates.Leaf, chain, SslPolicyErrors.None, DaneVerifier.Usable([Record(3, 1, 1, other.Leaf), Record(2, 1, 1, other.Ca)])));

        // DANE-EE ignores the name (§3.1.1); DANE-TA does not (§3.1.2).
        Assert.True(DaneVerifier.Verify(certificates.Leaf, chain, SslPolicyErrors.RemoteCertificateNameMismatch, DaneVerifier.Usable([Record(3, 1, 1, certificates.Leaf)])));
        Assert.False(DaneVerifier.Verify(certificates.Leaf, chain, SslPolicyErrors.RemoteCertificateNameMismatch, DaneVerifier.Usable([Record(2, 1, 1, certificates.Ca)])));
    }

    [Fact]
    public void Only_the_first_32_records_are_considered()
    {
        using var certificates = TestCertificates.Create("mx.b.test");
        using var other = TestCertificates.Create("mx.b.test");
        var records = Enumerable.Range(0, 40).Select(_ => Record(3, 1, 1, other.Leaf)).Append(Record(3, 1, 1, certificates.Leaf)).ToList();
        Assert.Equal(DaneVerifier.MaxRecords, DaneVerifier.Usable(records).Count);
        using var chain = ChainOf(certificates);
        Assert.False(DaneVerifier.Verify(certificates.Leaf, chain, SslPolicyErrors.None, DaneVerifier.Usable(records)));
        Assert.True(DaneVerifier.Verify(certificates.Leaf, chain, SslPolicyErrors.None, DaneVerifier.Usable(records[^10..])));
    }

    internal static TlsaRecord Record(byte usage, byte selector, byte matching, X509Certificate2 certificate)
    {
        var selected = selector == 0 ? certificate.RawData : certificate.PublicKey.ExportSubjectPublicKeyInfo();
        var data = matching switch
        {
            1 => SHA256.HashData(selected),
            2 => SHA512.HashData(selected),
            _ => selected,
        };
        return new TlsaRecord(usage, selector, matching, data);
    }

    /// <summary>The chain as SslStream hands it over: built with the certificates the server sent (here the CA).</summary>
    private static X509Chain ChainOf(TestCertificates certificates)
    {
        var chain = new X509Chain();
        chain.ChainPolicy.ExtraStore.Add(certificates.Ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.AllowUnknownCertificateAuthority;
        chain.Build(certificates.Leaf);
        return chain;
    }
}
