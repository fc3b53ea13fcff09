namespace MailKitServer.Dns;

/// <summary>A TLSA record (RFC 6698 §2.1), for DANE (RFC 7672).</summary>
/// <param name="Usage">The certificate usage (0 PKIX-TA, 1 PKIX-EE, 2 DANE-TA, 3 DANE-EE).</param>
/// <param name="Selector">What is matched: 0 the full certificate, 1 its SubjectPublicKeyInfo.</param>
/// <param name="MatchingType">How: 0 exact, 1 SHA-256, 2 SHA-512.</param>
/// <param name="Data">The certificate association data.</param>
public sealed record TlsaRecord(byte Usage, byte Selector, byte MatchingType, ReadOnlyMemory<byte> Data);
