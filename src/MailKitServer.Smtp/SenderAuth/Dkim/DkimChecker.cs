using System.Globalization;
using System.Security.Cryptography;
using MailKitServer.SenderAuth;
using MimeKit;
using MimeKit.Cryptography;
using Org.BouncyCastle.Crypto.Parameters;

namespace MailKitServer.Smtp.SenderAuth.Dkim;

/// <summary>
/// Verifies every DKIM-Signature field of a message (RFC 6376 §6, RFC 8463 Ed25519, RFC 8301 algorithms and key
/// sizes) and reports each with a result. The tags and the key are checked here, so each problem gets the result RFC
/// 8601 names for it (a malformed tag list is neutral, a missing key permerror, a DNS time-out temperror, rsa-sha1 and
/// short keys policy, an l= beyond the body fail); MimeKit's <see cref="DkimVerifier"/> then checks the hashes and the
/// signature on the message as received. Nothing a message carries can make it throw.
/// </summary>
internal sealed class DkimChecker(DnsDkimKeyLocator locator, SenderAuthOptions options, TimeProvider time)
{
    /// <summary>Verifies the signatures of a message.</summary>
    /// <param name="message">The message as MimeKit parsed it.</param>
    /// <param name="openBody">Opens the message's body octets (after the header section).</param>
    /// <param name="cancellationToken">Cancels the checks (a time limit): unfinished ones become temperror.</param>
    /// <returns>One outcome per DKIM-Signature field, in order.</returns>
    public async Task<IReadOnlyList<DkimOutcome>> VerifyAsync(MimeMessage message, Func<Stream> openBody, CancellationToken cancellationToken)
    {
        var outcomes = new List<DkimOutcome>();
        var bodyHashes = new Dictionary<(bool Relaxed, long Limit, string Hash), (long Length, byte[] Hash)>();
        foreach (var header in message.Headers.Where(h => h.Id == HeaderId.DkimSignature))
        {
            if (outcomes.Count >= options.MaxDkimSignatures)
            {
                outcomes.Add(Describe(header.Value, DkimResult.Policy, $"not verified: more than {options.MaxDkimSignatures} signatures"));
                continue;
            }

            try
            {
                outcomes.Add(await VerifyOneAsync(message, header, openBody, bodyHashes, cancellationToken).ConfigureAwait(false));
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                outcomes.Add(Describe(header.Value, DkimResult.TempError, "verification timed out"));
            }
        }

        return outcomes;
    }

    private async Task<DkimOutcome> VerifyOneAsync(MimeMessage message, Header header, Func<Stream> openBody, Dictionary<(bool, long, string), (long, byte[])> bodyHashes, CancellationToken cancellationToken)
    {
        var value = header.Value ?? string.Empty;
        if (!DkimTagList.TryParse(value, out var tags, out var error))
        {
            return Describe(value, DkimResult.Neutral, $"malformed signature: {error}");
        }

        var outcome = (DkimResult Result, string? Reason) => Describe(tags, Result, Reason);
        if (CheckSignature(tags, time.GetUtcNow(), out var fields) is { } refused)
        {
            return outcome(refused.Result, refused.Reason);
        }

        DkimKeyRecord key;
        try
        {
            key = await locator.LookupAsync(fields.Domain, fields.Selector, cancellationToken).ConfigureAwait(false);
        }
        catch (DkimKeyException ex)
        {
            return outcome(ex.Result, ex.Message);
        }

        if (CheckKey(key, fields) is { } unsuitable)
        {
            return outcome(DkimResult.PermError, unsuitable);
        }

        var (relaxedBody, limit) = (fields.RelaxedBody, fields.Limit);
        var (length, hash) = await BodyHashAsync(openBody, relaxedBody, limit, bodyHashes, cancellationToken).ConfigureAwait(false);
        if (limit > length)
        {
            // §3.5 l=: never larger than the canonical body; a signature claiming more is invalid.
            return outcome(DkimResult.Fail, $"l={limit} is beyond the body ({length} octets)");
        }

        if (!CryptographicOperations.FixedTimeEquals(hash, TryBase64(DkimTagList.Compact(tags["bh"]))))
        {
            return outcome(DkimResult.Fail, "body hash did not verify");
        }

        try
        {
            var verifier = new DkimVerifier(new FixedKeyLocator(key.Key));
            var verified = await verifier.VerifyAsync(message, header, cancellationToken).ConfigureAwait(false);
            return verified ? outcome(DkimResult.Pass, key.Testing ? "the domain is testing DKIM (t=y)" : null) : outcome(DkimResult.Fail, "signature did not verify");
        }
        catch (FormatException ex)
        {
            return outcome(DkimResult.Neutral, $"malformed signature: {ex.Message}");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return outcome(DkimResult.Fail, $"signature did not verify ({ex.GetType().Name})");
        }
    }

    /// <summary>
    /// RFC 6376 §6.1.1: the tags a verifier checks before it fetches a key. Returns why the signature is refused, or
    /// null with what the rest of the verification needs.
    /// </summary>
    private static (DkimResult Result, string Reason)? CheckSignature(Dictionary<string, string> tags, DateTimeOffset now, out SignatureFields fields)
    {
        fields = default;
        foreach (var required in new[] { "v", "a", "b", "bh", "d", "h", "s" })
        {
            if (!tags.TryGetValue(required, out var v) || v.Length == 0)
            {
                return (DkimResult.PermError, $"signature has no {required}= tag");
            }
        }

        if (tags["v"] != "1")
        {
            return (DkimResult.PermError, $"unknown signature version v={tags["v"]}");
        }

        var algorithm = tags["a"].ToLowerInvariant();
        if (algorithm == "rsa-sha1")
        {
            return (DkimResult.Policy, "rsa-sha1 is not accepted (RFC 8301 §3.1)");
        }

        if (algorithm is not ("rsa-sha256" or "ed25519-sha256"))
        {
            return (DkimResult.PermError, $"unknown algorithm a={tags["a"]}");
        }

        var domain = tags["d"];
        if (!DomainNames.IsMultiLabel(domain))
        {
            return (DkimResult.PermError, $"d={domain} is not a domain name");
        }

        // §6.1.1: From must be signed; i= must be in d=; an expired signature fails.
        if (!tags["h"].Split(':').Select(h => h.Trim()).Contains("from", StringComparer.OrdinalIgnoreCase))
        {
            return (DkimResult.PermError, "From is not signed (h=)");
        }

        string? auid = null;
        if (tags.TryGetValue("i", out var identity))
        {
            var at = identity.LastIndexOf('@');
            auid = at < 0 ? null : identity[(at + 1)..];
            if (auid is null || !DomainNames.IsSameOrSubdomain(auid, domain))
            {
                return (DkimResult.PermError, $"i={identity} is not in d={domain}");
            }
        }

        if (!TryCanonicalization(tags, out var relaxedBody))
        {
            return (DkimResult.PermError, $"unknown canonicalization c={tags["c"]}");
        }

        var limit = -1L;
        if (tags.TryGetValue("l", out var l) && (l.Length is 0 or > 18 || !l.All(char.IsAsciiDigit) || !long.TryParse(l, NumberStyles.None, CultureInfo.InvariantCulture, out limit)))
        {
            return (DkimResult.PermError, $"l={l} is not a length");
        }

        if (tags.TryGetValue("q", out var q) && !q.Split(':').Any(m => m.Trim().Equals("dns/txt", StringComparison.OrdinalIgnoreCase)))
        {
            return (DkimResult.PermError, $"no supported key query method in q={q}");
        }

        if (CheckExpiry(tags, now) is { } expired)
        {
            return expired;
        }

        fields = new SignatureFields(algorithm, domain, tags["s"], auid, relaxedBody, limit);
        return null;
    }

    /// <summary>RFC 6376 §3.5 x= and t=: a signature past its expiry fails; one that expires before it was made is malformed.</summary>
    private static (DkimResult Result, string Reason)? CheckExpiry(Dictionary<string, string> tags, DateTimeOffset now)
    {
        if (!tags.TryGetValue("x", out var x))
        {
            return null;
        }

        if (!long.TryParse(x, NumberStyles.None, CultureInfo.InvariantCulture, out var expires))
        {
            return (DkimResult.PermError, $"x={x} is not a time");
        }

        if (tags.TryGetValue("t", out var t) && long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp) && timestamp > expires)
        {
            return (DkimResult.PermError, "the signature expires before it was made (t= after x=)");
        }

        return expires < now.ToUnixTimeSeconds() ? (DkimResult.Fail, "signature expired") : null;
    }

    /// <summary>RFC 6376 §6.1.2: the key must suit the signature's algorithm and hash, and honour t=s.</summary>
    private static string? CheckKey(DkimKeyRecord key, SignatureFields fields)
    {
        if ((fields.Algorithm == "ed25519-sha256") != (key.Key is Ed25519PublicKeyParameters))
        {
            return $"the key (k={key.KeyType}) does not suit a={fields.Algorithm}";
        }

        if (key.HashAlgorithms is { } allowed && !allowed.Contains("sha256", StringComparer.OrdinalIgnoreCase))
        {
            return "the key does not allow sha256 (h=)";
        }

        return key.Strict && fields.Auid is not null && !fields.Auid.Equals(fields.Domain, StringComparison.OrdinalIgnoreCase)
            ? "the key asks that i= equal d= (t=s)"
            : null;
    }

    private static async Task<(long Length, byte[] Hash)> BodyHashAsync(Func<Stream> openBody, bool relaxed, long limit, Dictionary<(bool, long, string), (long, byte[])> cache, CancellationToken cancellationToken)
    {
        var key = (relaxed, limit, "sha256");
        if (cache.TryGetValue(key, out var cached))
        {
            return cached;
        }

        using var canonicalizer = new DkimBodyCanonicalizer(relaxed, limit, HashAlgorithmName.SHA256);
        await using (var body = openBody())
        {
            var buffer = new byte[65536];
            int n;
            while ((n = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                canonicalizer.Write(buffer.AsSpan(0, n));
            }
        }

        var hash = canonicalizer.Complete();
        cache[key] = (canonicalizer.Length, hash);
        return (canonicalizer.Length, hash);
    }

    /// <summary>c= header/body: each relaxed or simple; the body's defaults to simple (§3.5).</summary>
    private static bool TryCanonicalization(Dictionary<string, string> tags, out bool relaxedBody)
    {
        relaxedBody = false;
        if (!tags.TryGetValue("c", out var c))
        {
            return true;
        }

        var parts = c.ToLowerInvariant().Split('/');
        if (parts.Length > 2 || parts.Any(p => p is not ("simple" or "relaxed")))
        {
            return false;
        }

        relaxedBody = parts.Length == 2 && parts[1] == "relaxed";
        return true;
    }

    private static byte[] TryBase64(string text)
    {
        try
        {
            return Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            return [];
        }
    }

    private static DkimOutcome Describe(Dictionary<string, string> tags, DkimResult result, string? reason) =>
        new(result, tags.GetValueOrDefault("d"), tags.GetValueOrDefault("s"), tags.GetValueOrDefault("a")?.ToLowerInvariant(), Prefix(tags.GetValueOrDefault("b")), reason);

    /// <summary>An outcome for a field whose tags could not be parsed: what can be read of d=, s= and a= is still named.</summary>
    private static DkimOutcome Describe(string value, DkimResult result, string? reason)
    {
        string? Tag(string name) => value.Split(';').Select(s => s.Split('=', 2)).Where(p => p.Length == 2 && p[0].Trim() == name).Select(p => p[1].Trim()).FirstOrDefault();
        return new DkimOutcome(result, Tag("d"), Tag("s"), Tag("a")?.ToLowerInvariant(), Prefix(Tag("b")), reason);
    }

    /// <summary>The first 8 characters of b= (RFC 6008 §4: enough to tell signatures apart).</summary>
    private static string? Prefix(string? b)
    {
        if (b is null)
        {
            return null;
        }

        var compact = DkimTagList.Compact(b);
        return compact.Length == 0 ? null : compact[..Math.Min(8, compact.Length)];
    }
}
