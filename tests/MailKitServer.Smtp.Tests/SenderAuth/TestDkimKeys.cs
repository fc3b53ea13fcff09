using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;

namespace MailKitServer.Smtp.Tests.SenderAuth;

/// <summary>
/// A fresh RSA-2048 and Ed25519 key pair for a test: the private keys as files the way dkimpy reads them (PEM; the
/// base64 Ed25519 seed), the public keys as the dnsmasq options that publish their DKIM key records (RFC 6376 §3.6.1,
/// RFC 8463 §4), split into DNS character-strings of at most 255 octets.
/// </summary>
internal sealed class TestDkimKeys : IDisposable
{
    private TestDkimKeys(string directory, string rsaKeyFile, string ed25519KeyFile, string ed25519Pem, string rsaRecord, string ed25519Record)
    {
        Ed25519Pem = ed25519Pem;
        Directory = directory;
        RsaKeyFile = rsaKeyFile;
        Ed25519KeyFile = ed25519KeyFile;
        RsaRecord = rsaRecord;
        Ed25519Record = ed25519Record;
    }

    public string Directory { get; }

    /// <summary>The RSA private key, PKCS#1 PEM.</summary>
    public string RsaKeyFile { get; }

    /// <summary>The Ed25519 private key: the base64 of its 32-octet seed (dkimpy's format).</summary>
    public string Ed25519KeyFile { get; }

    /// <summary>The Ed25519 private key as PKCS#8 PEM (<c>PRIVATE KEY</c>, as <c>openssl genpkey -algorithm ed25519</c> writes it).</summary>
    public string Ed25519Pem { get; }

    /// <summary>The RSA key record's text: <c>v=DKIM1; k=rsa; p=...</c>.</summary>
    public string RsaRecord { get; }

    /// <summary>The Ed25519 key record's text: <c>v=DKIM1; k=ed25519; p=...</c>.</summary>
    public string Ed25519Record { get; }

    public static TestDkimKeys Create()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"mks-dkim-{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(directory);
        using var rsa = RSA.Create(2048);
        var rsaFile = Path.Combine(directory, "rsa.pem");
        File.WriteAllText(rsaFile, rsa.ExportRSAPrivateKeyPem());
        var rsaRecord = "v=DKIM1; k=rsa; p=" + Convert.ToBase64String(rsa.ExportSubjectPublicKeyInfo());

        var generator = new Ed25519KeyPairGenerator();
        generator.Init(new Ed25519KeyGenerationParameters(new SecureRandom()));
        var pair = generator.GenerateKeyPair();
        var edFile = Path.Combine(directory, "ed25519.key");
        File.WriteAllText(edFile, Convert.ToBase64String(((Ed25519PrivateKeyParameters)pair.Private).GetEncoded()));
        var edRecord = "v=DKIM1; k=ed25519; p=" + Convert.ToBase64String(((Ed25519PublicKeyParameters)pair.Public).GetEncoded());
        var pem = new StringWriter();
        var writer = new Org.BouncyCastle.OpenSsl.PemWriter(pem);
        writer.WriteObject(new Org.BouncyCastle.Utilities.IO.Pem.PemObject("PRIVATE KEY", Org.BouncyCastle.Pkcs.PrivateKeyInfoFactory.CreatePrivateKeyInfo(pair.Private).GetEncoded()));
        writer.Writer.Flush();
        return new TestDkimKeys(directory, rsaFile, edFile, pem.ToString(), rsaRecord, edRecord);
    }

    /// <summary>A dnsmasq <c>--txt-record</c> option for a name, the text split into character-strings of 250 octets.</summary>
    public static string TxtOption(string name, string text) =>
        $"--txt-record={name}," + string.Join(',', text.Chunk(250).Select(c => new string(c)));

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
