using System.Security.Cryptography;
using System.Text;
using MailKitServer.SenderAuth;
using MailKitServer.Smtp.SenderAuth;
using MailKitServer.Smtp.SenderAuth.Dkim;
using MailKitServer.TestSupport;
using MimeKit;
using MimeKit.Cryptography;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;

namespace MailKitServer.Smtp.Tests.SenderAuth;

/// <summary>
/// Issue 20's bad DKIM input: an l= beyond the body, a 16,384-bit key and a malformed tag list each give a clean result
/// (fail, neutral, neutral), never an exception; the parsers that read the message as received (header section
/// scanner, body canonicalizer) give the same answer whatever way the octets are split.
/// </summary>
public class DkimBadInputTests
{
    private const string Message = "From: Alice <alice@dkim.test>\r\nTo: bob@example.test\r\nSubject: bounds\r\n\r\nHello  world \r\n\r\n\r\n";

    [Fact]
    public async Task A_signature_claiming_an_l_beyond_the_body_fails()
    {
        using var rsa = RSA.Create(2048);
        var zone = new ZoneResolver().Txt("sel._domainkey.dkim.test", "v=DKIM1; k=rsa; p=" + Convert.ToBase64String(rsa.ExportSubjectPublicKeyInfo()));
        var signed = Sign(rsa, Message);
        var withL = signed.Replace("DKIM-Signature: v=1;", "DKIM-Signature: v=1; l=99999;", StringComparison.Ordinal);
        Assert.NotEqual(signed, withL);

        var intact = Assert.Single(await VerifyAsync(zone, signed));
        Assert.Equal(DkimResult.Pass, intact.Result);
        var outcome = Assert.Single(await VerifyAsync(zone, withL));
        Assert.Equal(DkimResult.Fail, outcome.Result);
        Assert.Contains("l=99999", outcome.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_16384_bit_key_is_neutral_without_being_used()
    {
        // Only the public half matters: a random odd 16,384-bit modulus stands for the key nobody would compute with.
        var modulus = new BigInteger(16384, new SecureRandom()).SetBit(16383).SetBit(0);
        var spki = new SubjectPublicKeyInfo(new AlgorithmIdentifier(PkcsObjectIdentifiers.RsaEncryption, DerNull.Instance), new RsaPublicKeyStructure(modulus, BigInteger.ValueOf(65537))).GetEncoded();
        var zone = new ZoneResolver().Txt("sel._domainkey.dkim.test", "v=DKIM1; k=rsa; p=" + Convert.ToBase64String(spki));
        using var rsa = RSA.Create(2048);

        var outcome = Assert.Single(await VerifyAsync(zone, Sign(rsa, Message)));
        Assert.Equal(DkimResult.Neutral, outcome.Result);
        Assert.Contains("16384", outcome.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("v=1; a=rsa-sha256; d=dkim.test; s=sel; d=other.test; h=from; bh=AAAA; b=AAAA")]
    [InlineData("v=1; a=rsa-sha256; ===; d=dkim.test")]
    [InlineData("v=1 a=rsa-sha256 d=dkim.test")]
    [InlineData(";;;;")]
    [InlineData("v=1; a=rsa-sha256; d=dkim.test; s=sel; h=from; bh=\u00ff\u00fe; b=")]
    public async Task A_malformed_tag_list_is_neutral_or_permerror_never_an_exception(string value)
    {
        var outcome = Assert.Single(await VerifyAsync(new ZoneResolver(), $"DKIM-Signature: {value}\r\n{Message}"));
        Assert.Contains(outcome.Result, new[] { DkimResult.Neutral, DkimResult.PermError });
        Assert.NotNull(outcome.Reason);
    }

    [Fact]
    public void The_body_canonicalizer_gives_the_same_hash_and_length_for_every_split()
    {
        var body = Encoding.ASCII.GetBytes("line one  \t \r\n\r\n  two\r\n bare\rCR and \nLF\r\n\r\n\r\n");
        foreach (var relaxed in new[] { false, true })
        {
            var (whole, length) = Canonical(relaxed, [body]);
            foreach (var parts in Segments.Splits(body))
            {
                Assert.Equal((whole, length), Canonical(relaxed, parts));
            }
        }
    }

    [Fact]
    public void The_header_scanner_finds_the_same_fields_and_body_offset_for_every_split()
    {
        var message = Encoding.ASCII.GetBytes("Authentication-Results: mx.example.test;\r\n spf=pass\r\nFrom: a@b.test\r\nX:  folded\r\n\tline\r\n\r\nbody\r\n");
        var expected = Scan([message]);
        Assert.Equal(3, expected.Fields.Count);
        Assert.Equal(message.Length - 6, expected.BodyOffset);
        foreach (var parts in Segments.Splits(message))
        {
            var section = Scan(parts);
            Assert.Equal(expected.BodyOffset, section.BodyOffset);
            Assert.Equal(expected.Fields, section.Fields);
        }
    }

    private static HeaderSection Scan(byte[][] parts)
    {
        var scanner = new HeaderSectionScanner(1024 * 1024);
        foreach (var part in parts)
        {
            scanner.Feed(part);
        }

        return scanner.Result();
    }

    private static (string Hash, long Length) Canonical(bool relaxed, byte[][] parts)
    {
        using var canonicalizer = new DkimBodyCanonicalizer(relaxed, -1, HashAlgorithmName.SHA256);
        foreach (var part in parts)
        {
            canonicalizer.Write(part);
        }

        return (Convert.ToBase64String(canonicalizer.Complete()), canonicalizer.Length);
    }

    private static string Sign(RSA rsa, string text)
    {
        var message = MimeMessage.Load(new MemoryStream(Encoding.ASCII.GetBytes(text)));
        var key = (RsaPrivateCrtKeyParameters)PrivateKeyFactory.CreateKey(rsa.ExportPkcs8PrivateKey());
        var signer = new DkimSigner(key, "dkim.test", "sel", DkimSignatureAlgorithm.RsaSha256)
        {
            HeaderCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed,
            BodyCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Simple,
        };
        signer.Sign(message, [HeaderId.From, HeaderId.To, HeaderId.Subject]);
        var field = message.Headers.First(h => h.Id == HeaderId.DkimSignature);
        return field.Field + ":" + Encoding.ASCII.GetString(field.RawValue) + text;
    }

    private static async Task<IReadOnlyList<DkimOutcome>> VerifyAsync(ZoneResolver zone, string text)
    {
        var bytes = Encoding.ASCII.GetBytes(text);
        var options = new SenderAuthOptions();
        var checker = new DkimChecker(new DnsDkimKeyLocator(zone, options.MaxRsaKeyBits), options, TimeProvider.System);
        var message = await MimeMessage.LoadAsync(new MemoryStream(bytes));
        var section = await HeaderSectionScanner.ScanAsync(new MemoryStream(bytes), options.MaxHeaderSize, default);
        return await checker.VerifyAsync(message, () => new MemoryStream(bytes, (int)section.BodyOffset, bytes.Length - (int)section.BodyOffset), default);
    }
}
