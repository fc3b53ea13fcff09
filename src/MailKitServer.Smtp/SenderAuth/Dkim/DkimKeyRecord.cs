using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;
using MailKitServer.SenderAuth;

namespace MailKitServer.Smtp.SenderAuth.Dkim;

/// <summary>A DKIM public key record (RFC 6376 §3.6.1), parsed and checked against the verifier's bounds.</summary>
/// <param name="Key">The public key.</param>
/// <param name="KeyType">k=: <c>rsa</c> or <c>ed25519</c> (RFC 8463).</param>
/// <param name="HashAlgorithms">h=: the hash algorithms allowed, or <see langword="null"/> for any.</param>
/// <param name="Strict">t=s: the i= domain must equal d= exactly.</param>
/// <param name="Testing">t=y: the domain is testing DKIM.</param>
internal sealed record DkimKeyRecord(AsymmetricKeyParameter Key, string KeyType, IReadOnlyList<string>? HashAlgorithms, bool Strict, bool Testing)
{
    /// <summary>Parses a key record; a record that cannot be used throws with the result to report.</summary>
    /// <param name="text">The TXT record.</param>
    /// <param name="maxRsaBits">The largest RSA modulus accepted.</param>
    /// <returns>The key.</returns>
    /// <exception cref="DkimKeyException">The record is malformed, revoked, of another service, or its key is out of bounds.</exception>
    public static DkimKeyRecord Parse(string text, int maxRsaBits)
    {
        if (!DkimTagList.TryParse(text, out var tags, out var error))
        {
            throw new DkimKeyException(DkimResult.PermError, $"malformed key record: {error}");
        }

        // §3.6.1: v= is optional; when present it must be first and DKIM1.
        if (tags.TryGetValue("v", out var version) && (version != "DKIM1" || !text.TrimStart().StartsWith('v')))
        {
            throw new DkimKeyException(DkimResult.PermError, "key record is not v=DKIM1");
        }

        if (tags.TryGetValue("s", out var services) && !services.Split(':').Select(s => s.Trim()).Any(s => s is "*" or "email"))
        {
            throw new DkimKeyException(DkimResult.PermError, "key is not for email (s=)");
        }

        var keyType = tags.TryGetValue("k", out var k) ? k.Trim() : "rsa";
        var hashes = tags.TryGetValue("h", out var h) ? h.Split(':').Select(x => x.Trim()).ToList() : null;
        var flags = tags.TryGetValue("t", out var t) ? t.Split(':').Select(x => x.Trim()).ToList() : [];
        if (!tags.TryGetValue("p", out var p))
        {
            throw new DkimKeyException(DkimResult.PermError, "key record has no p= tag");
        }

        var data = DkimTagList.Compact(p);
        if (data.Length == 0)
        {
            // §3.6.1: an empty p= means the key was revoked.
            throw new DkimKeyException(DkimResult.PermError, "key revoked");
        }

        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(data);
        }
        catch (FormatException)
        {
            throw new DkimKeyException(DkimResult.PermError, "key is not base64");
        }

        var key = keyType switch
        {
            "rsa" => (AsymmetricKeyParameter)RsaKey(bytes, maxRsaBits),
            "ed25519" when bytes.Length == Ed25519PublicKeyParameters.KeySize => new Ed25519PublicKeyParameters(bytes),
            "ed25519" => throw new DkimKeyException(DkimResult.PermError, $"an ed25519 key is 32 octets, not {bytes.Length} (RFC 8463 §4.2)"),
            _ => throw new DkimKeyException(DkimResult.PermError, $"unknown key type k={keyType}"),
        };
        return new DkimKeyRecord(key, keyType, hashes, flags.Contains("s"), flags.Contains("y"));
    }

    /// <summary>
    /// An RSA key from SubjectPublicKeyInfo (or a bare RSAPublicKey, which some publish), within bounds: at least 1024
    /// bits (RFC 8301 §3.2, else "policy"), at most <paramref name="maxRsaBits"/>, and a public exponent of at most 64
    /// bits, so verifying costs bounded time.
    /// </summary>
    private static RsaKeyParameters RsaKey(byte[] bytes, int maxRsaBits)
    {
        // The size is checked on the ASN.1 integers, before BouncyCastle's key object validates (and so computes
        // with) the modulus: a huge key costs nothing but its parse.
        RsaPublicKeyStructure structure;
        try
        {
            var asn1 = Asn1Object.FromByteArray(bytes);
            structure = asn1 is Asn1Sequence { Count: 2 } seq && seq[0] is DerInteger
                ? RsaPublicKeyStructure.GetInstance(seq)
                : SubjectPublicKeyInfo.GetInstance(asn1) is { } info && info.Algorithm.Algorithm.Equals(PkcsObjectIdentifiers.RsaEncryption)
                    ? RsaPublicKeyStructure.GetInstance(info.ParsePublicKey())
                    : throw new DkimKeyException(DkimResult.PermError, "the key is not an RSA public key");
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or InvalidCastException or InvalidOperationException or SecurityUtilityException or FormatException)
        {
            throw new DkimKeyException(DkimResult.PermError, "the key is not an RSA public key");
        }

        var bits = structure.Modulus.BitLength;
        if (bits > maxRsaBits || structure.PublicExponent.BitLength > 64)
        {
            throw new DkimKeyException(DkimResult.Neutral, $"RSA key of {bits} bits is larger than this verifier takes ({maxRsaBits})");
        }

        RsaKeyParameters rsa;
        try
        {
            rsa = new RsaKeyParameters(false, structure.Modulus, structure.PublicExponent);
        }
        catch (ArgumentException ex)
        {
            throw new DkimKeyException(DkimResult.PermError, $"the key is not a usable RSA public key ({ex.Message})");
        }

        if (bits < 1024)
        {
            throw new DkimKeyException(DkimResult.Policy, $"RSA key of {bits} bits is shorter than 1024 (RFC 8301 §3.2)");
        }

        return rsa;
    }
}
