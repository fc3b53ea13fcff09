using MimeKit.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.OpenSsl;

namespace MailKitServer.Smtp.SenderAuth.Signing;

/// <summary>
/// A private key that signs the mail of one domain with DKIM (RFC 6376): RSA-SHA256 with a key of at least 2048 bits
/// (RFC 8301 §3.2 asks for 1024 at least and recommends 2048), or Ed25519-SHA256 (RFC 8463). The public half must be
/// published at <c>Selector._domainkey.Domain</c>. Add it to <see cref="SmtpOptions.DkimSigningKeys"/>.
/// </summary>
public sealed class DkimSigningKey
{
    private DkimSigningKey(string domain, string selector, AsymmetricKeyParameter privateKey, DkimSignatureAlgorithm algorithm)
    {
        Domain = domain.TrimEnd('.').ToLowerInvariant();
        Selector = selector;
        PrivateKey = privateKey;
        SignatureAlgorithm = algorithm;
    }

    /// <summary>The signing domain (<c>d=</c>): mail whose From address is in it, or in a subdomain of it, is signed.</summary>
    public string Domain { get; }

    /// <summary>The selector (<c>s=</c>).</summary>
    public string Selector { get; }

    /// <summary>The algorithm the key signs with: <c>rsa-sha256</c> or <c>ed25519-sha256</c>.</summary>
    public string Algorithm => SignatureAlgorithm == DkimSignatureAlgorithm.Ed25519Sha256 ? "ed25519-sha256" : "rsa-sha256";

    internal AsymmetricKeyParameter PrivateKey { get; }

    internal DkimSignatureAlgorithm SignatureAlgorithm { get; }

    /// <summary>Reads a key from a PEM file (<c>RSA PRIVATE KEY</c> or <c>PRIVATE KEY</c>, as openssl writes them).</summary>
    /// <param name="domain">The signing domain.</param>
    /// <param name="selector">The name the public key is published under: <c>selector._domainkey.domain</c> TXT (RFC 6376 §3.6.2.1).</param>
    /// <param name="path">The PEM file.</param>
    /// <returns>The key.</returns>
    /// <exception cref="ArgumentException">The file holds no private key, an RSA key shorter than 2048 bits, or a key of another kind.</exception>
    public static DkimSigningKey Load(string domain, string selector, string path) => FromPem(domain, selector, File.ReadAllText(path));

    /// <summary>Reads a key from PEM text (<c>RSA PRIVATE KEY</c> or <c>PRIVATE KEY</c>).</summary>
    /// <param name="domain">The signing domain.</param>
    /// <param name="selector">The name the public key is published under: <c>selector._domainkey.domain</c> TXT (RFC 6376 §3.6.2.1).</param>
    /// <param name="pem">The PEM text.</param>
    /// <returns>The key.</returns>
    /// <exception cref="ArgumentException">The text holds no private key, an RSA key shorter than 2048 bits, or a key of another kind.</exception>
    public static DkimSigningKey FromPem(string domain, string selector, string pem)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(domain);
        ArgumentException.ThrowIfNullOrWhiteSpace(selector);
        ArgumentNullException.ThrowIfNull(pem);
        if (!DomainNames.IsMultiLabel(domain.TrimEnd('.')) || selector.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_')))
        {
            throw new ArgumentException($"'{domain}' with selector '{selector}' does not name a key record.", nameof(selector));
        }

        object? read;
        try
        {
            using var reader = new StringReader(pem);
            read = new PemReader(reader).ReadObject();
        }
        catch (Exception ex) when (ex is IOException or PemException or ArgumentException or InvalidCastException)
        {
            throw new ArgumentException($"The PEM key for {domain} could not be read: {ex.Message}", nameof(pem), ex);
        }

        var key = read switch
        {
            AsymmetricCipherKeyPair pair => pair.Private,
            AsymmetricKeyParameter { IsPrivate: true } single => single,
            _ => throw new ArgumentException($"The PEM text for {domain} holds no private key.", nameof(pem)),
        };

        return key switch
        {
            // RFC 8301 §3.2: signers MUST use at least 1024 bits and SHOULD use 2048; we require 2048.
            RsaKeyParameters rsa when rsa.Modulus.BitLength < 2048 => throw new ArgumentException($"The RSA key for {domain} has {rsa.Modulus.BitLength} bits; at least 2048 are required.", nameof(pem)),
            RsaKeyParameters => new DkimSigningKey(domain, selector, key, DkimSignatureAlgorithm.RsaSha256),
            Ed25519PrivateKeyParameters => new DkimSigningKey(domain, selector, key, DkimSignatureAlgorithm.Ed25519Sha256),
            _ => throw new ArgumentException($"The key for {domain} is neither RSA nor Ed25519.", nameof(pem)),
        };
    }
}
