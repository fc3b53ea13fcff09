using MailKitServer.Dns;
using MailKitServer.SenderAuth;
using MimeKit.Cryptography;
using Org.BouncyCastle.Crypto;

namespace MailKitServer.Smtp.SenderAuth.Dkim;

/// <summary>
/// Finds DKIM (and ARC) public keys in DNS through the <see cref="IDnsResolver"/> seam: the TXT record at
/// <c>selector._domainkey.domain</c> (RFC 6376 §3.6.2). Failures throw <see cref="DkimKeyException"/> with the result
/// to report: temperror for a DNS time-out, permerror for a missing, malformed or revoked key.
/// </summary>
internal sealed class DnsDkimKeyLocator(IDnsResolver dns, int maxRsaBits) : IDkimPublicKeyLocator
{
    /// <summary>Looks up and parses the key record of a selector.</summary>
    public async Task<DkimKeyRecord> LookupAsync(string domain, string selector, CancellationToken cancellationToken)
    {
        var name = $"{selector}._domainkey.{domain.TrimEnd('.')}";
        if (!DomainNames.IsMultiLabel(name) || selector.Any(c => c is < '!' or > '~'))
        {
            throw new DkimKeyException(DkimResult.PermError, $"'{name}' is not a valid key name");
        }

        var answer = await dns.ResolveTxtAsync(name, cancellationToken).ConfigureAwait(false);
        switch (answer.Status)
        {
            case DnsStatus.TemporaryFailure:
                throw new DkimKeyException(DkimResult.TempError, answer.Error ?? $"DNS lookup of {name} failed");
            case DnsStatus.NameNotFound or DnsStatus.NoRecords:
                throw new DkimKeyException(DkimResult.PermError, $"no key at {name}");
        }

        // §3.6.2.2: several records are ambiguous; use the first that parses as a key.
        DkimKeyException? first = null;
        foreach (var record in answer.Records)
        {
            try
            {
                return DkimKeyRecord.Parse(record.Value, maxRsaBits);
            }
            catch (DkimKeyException ex)
            {
                first ??= ex;
            }
        }

        throw first ?? new DkimKeyException(DkimResult.PermError, $"no key at {name}");
    }

    /// <inheritdoc />
    public async Task<AsymmetricKeyParameter> LocatePublicKeyAsync(string methods, string domain, string selector, CancellationToken cancellationToken = default)
    {
        if (!methods.Split(':').Any(m => m.Trim().Equals("dns/txt", StringComparison.OrdinalIgnoreCase)))
        {
            throw new DkimKeyException(DkimResult.PermError, $"no supported key query method in q={methods}");
        }

        return (await LookupAsync(domain, selector, cancellationToken).ConfigureAwait(false)).Key;
    }

    /// <inheritdoc />
    public AsymmetricKeyParameter LocatePublicKey(string methods, string domain, string selector, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("Keys are looked up asynchronously only.");
}
