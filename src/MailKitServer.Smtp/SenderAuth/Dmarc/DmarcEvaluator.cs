using System.Globalization;
using MailKitServer.Dns;
using MailKitServer.SenderAuth;
using MimeKit;

namespace MailKitServer.Smtp.SenderAuth.Dmarc;

/// <summary>
/// DMARC (RFC 7489 §6.6): finds the author domain of a message, its policy (at <c>_dmarc.</c> the domain, else at its
/// organizational domain), checks whether SPF or DKIM passed for an aligned domain, and says what the policy asks for a
/// failing message after <c>pct=</c> sampling. A DNS time-out in the policy lookup, or in an aligned check that could
/// have passed, gives temperror.
/// </summary>
internal sealed class DmarcEvaluator(IDnsResolver dns, PublicSuffixList suffixes, Func<int> percentSample)
{
    private static readonly IdnMapping Idn = new();

    /// <summary>Evaluates a message.</summary>
    /// <param name="message">The message (its From fields).</param>
    /// <param name="spf">The SPF outcome that counts (MAIL FROM, or HELO for the null sender).</param>
    /// <param name="dkim">The DKIM outcomes.</param>
    /// <param name="cancellationToken">Cancels the lookups.</param>
    /// <returns>The outcome.</returns>
    public async Task<DmarcOutcome> EvaluateAsync(MimeMessage message, SpfOutcome spf, IReadOnlyList<DkimOutcome> dkim, CancellationToken cancellationToken)
    {
        // §6.6.1: one From field with authors in one domain; anything else cannot be evaluated.
        var fromFields = message.Headers.Count(h => h.Id == HeaderId.From);
        if (fromFields != 1)
        {
            return Outcome(DmarcResult.PermError, null, $"the message has {fromFields} From fields");
        }

        var domains = message.From.Mailboxes.Select(m => ToAscii(m.Domain)).Distinct(StringComparer.Ordinal).ToList();
        if (domains.Count != 1 || domains[0] is not { } fromDomain || !DomainNames.IsMultiLabel(fromDomain))
        {
            return Outcome(DmarcResult.PermError, null, domains.Count > 1 ? "the From field names authors in several domains" : "the From field has no author domain");
        }

        var organization = suffixes.OrganizationalDomain(fromDomain);
        var (record, atOrganization, lookupError) = await FindRecordAsync(fromDomain, organization, cancellationToken).ConfigureAwait(false);

        var spfAligned = spf.Result == SpfResult.Pass && Aligned(spf.Domain, fromDomain, record?.StrictSpf ?? false);
        var dkimAligned = dkim.Any(d => d.Result == DkimResult.Pass && d.Domain is { } signer && Aligned(signer, fromDomain, record?.StrictDkim ?? false));
        if (lookupError is not null)
        {
            return new DmarcOutcome(DmarcResult.TempError, fromDomain, null, DmarcPolicy.None, spfAligned, dkimAligned, lookupError);
        }

        if (record is null)
        {
            return new DmarcOutcome(DmarcResult.None, fromDomain, null, DmarcPolicy.None, spfAligned, dkimAligned, $"{fromDomain} publishes no DMARC policy");
        }

        // §6.3: sp= applies to subdomains when the policy came from the organizational domain.
        var policy = atOrganization && record.SubdomainPolicy is { } sp ? sp : record.Policy;
        if (spfAligned || dkimAligned)
        {
            return new DmarcOutcome(DmarcResult.Pass, fromDomain, policy, DmarcPolicy.None, spfAligned, dkimAligned);
        }

        var transient = (spf.Result == SpfResult.TempError && Aligned(spf.Domain, fromDomain, record.StrictSpf))
            || dkim.Any(d => d.Result == DkimResult.TempError && d.Domain is { } signer && Aligned(signer, fromDomain, record.StrictDkim));
        if (transient)
        {
            return new DmarcOutcome(DmarcResult.TempError, fromDomain, policy, DmarcPolicy.None, false, false, "an aligned SPF or DKIM check failed temporarily");
        }

        // §6.6.4: pct= applies the policy to that share of failing mail; the rest gets the next weaker policy.
        var disposition = policy;
        if (record.Percent < 100 && percentSample() >= record.Percent)
        {
            disposition = policy == DmarcPolicy.Reject ? DmarcPolicy.Quarantine : DmarcPolicy.None;
        }

        return new DmarcOutcome(DmarcResult.Fail, fromDomain, policy, disposition, false, false, "no aligned SPF or DKIM pass");
    }

    /// <summary>Relaxed: the same organizational domain; strict: the same name (§3.1).</summary>
    private bool Aligned(string domain, string fromDomain, bool strict)
    {
        var a = ToAscii(domain);
        return a is not null && (strict
            ? a.Equals(fromDomain, StringComparison.Ordinal)
            : suffixes.OrganizationalDomain(a).Equals(suffixes.OrganizationalDomain(fromDomain), StringComparison.Ordinal));
    }

    /// <summary>§6.6.3: the record at _dmarc.domain, else at _dmarc.organizational-domain.</summary>
    private async Task<(DmarcRecord? Record, bool AtOrganization, string? Error)> FindRecordAsync(string domain, string organization, CancellationToken cancellationToken)
    {
        var (record, error) = await LookupAsync(domain, cancellationToken).ConfigureAwait(false);
        if (record is not null || error is not null || organization == domain)
        {
            return (record, false, error);
        }

        (record, error) = await LookupAsync(organization, cancellationToken).ConfigureAwait(false);
        return (record, true, error);
    }

    private async Task<(DmarcRecord? Record, string? Error)> LookupAsync(string domain, CancellationToken cancellationToken)
    {
        var name = "_dmarc." + domain;
        var answer = await dns.ResolveTxtAsync(name, cancellationToken).ConfigureAwait(false);
        if (answer.Status == DnsStatus.TemporaryFailure)
        {
            return (null, answer.Error ?? $"DNS lookup of {name} failed");
        }

        // Several DMARC records: no DMARC processing (§6.6.3).
        var records = answer.Records.Select(r => r.Value).Where(DmarcRecord.IsDmarcRecord).ToList();
        return records.Count == 1 && DmarcRecord.TryParse(records[0], out var record) ? (record, null) : (null, null);
    }

    private static string? ToAscii(string? domain)
    {
        if (string.IsNullOrEmpty(domain))
        {
            return null;
        }

        try
        {
            return Idn.GetAscii(domain.TrimEnd('.')).ToLowerInvariant();
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static DmarcOutcome Outcome(DmarcResult result, string? domain, string reason) => new(result, domain, null, DmarcPolicy.None, false, false, reason);
}
