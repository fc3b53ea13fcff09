using System.Net;
using MailKitServer.Diagnostics;
using MailKitServer.Dns;
using MailKitServer.Policy;
using MailKitServer.Replies;
using MailKitServer.SenderAuth;
using MailKitServer.Smtp.SenderAuth.Arc;
using MailKitServer.Smtp.SenderAuth.Dkim;
using MailKitServer.Smtp.SenderAuth.Dmarc;
using MailKitServer.Smtp.SenderAuth.Results;
using MailKitServer.Smtp.SenderAuth.Spf;
using Microsoft.Extensions.Logging;
using MimeKit;

namespace MailKitServer.Smtp.SenderAuth;

/// <summary>
/// Runs the inbound checks of one listener on each received message: SPF of MAIL FROM and HELO, DKIM of every
/// signature, DMARC and ARC; writes the Authentication-Results field; turns the DMARC result into a verdict by the
/// configured action; finds forged fields of ours to remove; counts the results. Every check is bounded in time
/// (<see cref="SenderAuthOptions.Timeout"/>) and nothing in the message can make it throw.
/// </summary>
internal sealed class SenderAuthenticator
{
    private readonly SenderAuthOptions _options;
    private readonly MailServerMetrics _metrics;
    private readonly ILogger _logger;
    private readonly SpfEvaluator _spf;
    private readonly DkimChecker _dkim;
    private readonly DmarcEvaluator _dmarc;
    private readonly ArcChecker _arc;

    public SenderAuthenticator(IDnsResolver dns, SenderAuthOptions options, string serverName, TimeProvider time, MailServerMetrics metrics, ILogger logger)
    {
        _options = options;
        _metrics = metrics;
        _logger = logger;
        AuthServId = options.AuthServId ?? serverName;
        var suffixes = PublicSuffixList.Load(options.PublicSuffixListPath);
        if (!suffixes.IsLoaded)
        {
            SenderAuthLog.NoPublicSuffixList(logger, options.PublicSuffixListPath);
        }

        var locator = new DnsDkimKeyLocator(dns, options.MaxRsaKeyBits);
        _spf = new SpfEvaluator(dns, serverName, time, options.SpfTimeout);
        _dkim = new DkimChecker(locator, options, time);
        _dmarc = new DmarcEvaluator(dns, suffixes, options.PercentSample);
        _arc = new ArcChecker(locator);
    }

    /// <summary>The authserv-id results are recorded under.</summary>
    public string AuthServId { get; }

    /// <summary>Checks a received message.</summary>
    /// <param name="session">The session (client address, HELO name, connection id).</param>
    /// <param name="mailFrom">The reverse-path, or <see langword="null"/> for <c>&lt;&gt;</c>.</param>
    /// <param name="openContent">Opens the message as received, without our trace fields.</param>
    /// <param name="cancellationToken">Cancels the checks (the connection ended).</param>
    /// <returns>The results and what to remove.</returns>
    public async Task<InboundCheck> CheckAsync(SessionInfo session, string? mailFrom, Func<Stream> openContent, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(_options.Timeout);
        var client = session.RemoteEndPoint.Address;
        var helo = session.HeloName ?? client.ToString();

        var spfTask = _spf.CheckMailFromAsync(client, mailFrom, helo, limit.Token);
        var heloTask = _options.CheckHelo && !string.IsNullOrEmpty(mailFrom) ? _spf.CheckHeloAsync(client, helo, limit.Token) : null;

        HeaderSection header;
        await using (var content = openContent())
        {
            header = await HeaderSectionScanner.ScanAsync(content, _options.MaxHeaderSize, cancellationToken).ConfigureAwait(false);
        }

        IReadOnlyList<DkimOutcome> dkim;
        DmarcOutcome dmarc;
        ArcOutcome arc;
        var spf = await Bounded(spfTask, () => new SpfOutcome(SpfResult.TempError, mailFrom is null ? "helo" : "mailfrom", mailFrom ?? helo, "timed out")).ConfigureAwait(false);
        var heloOutcome = heloTask is null ? spf.Identity == "helo" ? spf : null : await Bounded(heloTask, () => new SpfOutcome(SpfResult.TempError, "helo", helo, "timed out")).ConfigureAwait(false);
        await using var parsed = openContent();
        var message = header.TooLarge ? null : await ParseAsync(parsed, session, limit.Token).ConfigureAwait(false);
        if (message is null)
        {
            var reason = header.TooLarge ? $"header section larger than {_options.MaxHeaderSize} octets" : "the message could not be parsed";
            dkim = [new DkimOutcome(DkimResult.PermError, null, null, null, null, reason)];
            dmarc = new DmarcOutcome(DmarcResult.PermError, null, null, DmarcPolicy.None, false, false, reason);
            arc = new ArcOutcome(ArcResult.None, 0);
        }
        else
        {
            dkim = await _dkim.VerifyAsync(message, () => OpenBody(openContent, header.BodyOffset), limit.Token).ConfigureAwait(false);
            dmarc = await Bounded(_dmarc.EvaluateAsync(message, spf, dkim, limit.Token), () => new DmarcOutcome(DmarcResult.TempError, null, null, DmarcPolicy.None, false, false, "timed out")).ConfigureAwait(false);
            arc = await Bounded(_arc.VerifyAsync(message, limit.Token), () => new ArcOutcome(ArcResult.Fail, 0, "timed out")).ConfigureAwait(false);
        }

        var verdict = Verdict(dmarc);
        var authentication = new SenderAuthentication
        {
            AuthServId = AuthServId,
            Spf = spf,
            Helo = heloOutcome,
            Dkim = dkim,
            Dmarc = dmarc,
            Arc = arc,
            HeaderField = AuthenticationResultsField.Format(AuthServId, spf, heloOutcome, dkim, dmarc, arc),
            Verdict = verdict,
        };

        var forged = header.Fields
            .Where(f => f.Name.Equals(AuthenticationResultsField.Name, StringComparison.OrdinalIgnoreCase)
                && string.Equals(AuthenticationResultsField.ReadAuthServId(f.Value), AuthServId, StringComparison.OrdinalIgnoreCase))
            .ToList();
        if (forged.Count > 0)
        {
            SenderAuthLog.RemovedForgedResults(_logger, session.ConnectionId, forged.Count, AuthServId);
        }

        Count(authentication);
        SenderAuthLog.Checked(_logger, session.ConnectionId, Name(spf.Result), dkim.Count == 0 ? "none" : string.Join(',', dkim.Select(d => Name(d.Result))), Name(dmarc.Result), Name(arc.Result),
            mailFrom ?? string.Empty, client.ToString(), VerdictName(verdict));
        return new InboundCheck(authentication, forged);
    }

    /// <summary>
    /// The configured action applied to the DMARC result: a failure with p=reject is refused (or quarantined), one with
    /// p=quarantine quarantined; a temperror without an aligned pass defers the message so the sender retries (RFC 7489
    /// §6.6.2 leaves this to the receiver), unless the action is only to record.
    /// </summary>
    private PolicyVerdict Verdict(DmarcOutcome dmarc)
    {
        var action = _options.DmarcAction;
        if (action == DmarcAction.None)
        {
            return PolicyVerdict.Accept;
        }

        return dmarc.Result switch
        {
            DmarcResult.Fail when dmarc.Disposition == DmarcPolicy.Reject && action == DmarcAction.Reject =>
                PolicyVerdict.Reject(new SmtpReply(550, "5.7.1", $"Unauthenticated email from {dmarc.FromDomain} is not accepted due to the domain's DMARC policy")),
            DmarcResult.Fail when dmarc.Disposition != DmarcPolicy.None => PolicyVerdict.Quarantine,
            DmarcResult.TempError when !dmarc.SpfAligned && !dmarc.DkimAligned =>
                PolicyVerdict.Reject(new SmtpReply(451, "4.4.3", $"Temporary DNS failure while checking DMARC{(dmarc.FromDomain is { } d ? " for " + d : string.Empty)}, try again later")),
            _ => PolicyVerdict.Accept,
        };
    }

    private void Count(SenderAuthentication a)
    {
        void Add(string method, string result) =>
            _metrics.SenderAuthResults.Add(1, new KeyValuePair<string, object?>("method", method), new KeyValuePair<string, object?>("result", result));

        Add("spf", Name(a.Spf.Result));
        if (a.Dkim.Count == 0)
        {
            Add("dkim", "none");
        }

        foreach (var d in a.Dkim)
        {
            Add("dkim", Name(d.Result));
        }

        Add("dmarc", Name(a.Dmarc.Result));
        Add("arc", Name(a.Arc.Result));
        Add("dmarc-action", VerdictName(a.Verdict));
    }

    private static string VerdictName(PolicyVerdict verdict) =>
        verdict.IsQuarantined ? "quarantine" : verdict.IsAccepted ? "accept" : verdict.Reply!.IsTransient ? "tempfail" : "reject";

    private static string Name<T>(T value)
        where T : struct, Enum => value.ToString().ToLowerInvariant();

    private async Task<MimeMessage?> ParseAsync(Stream stream, SessionInfo session, CancellationToken cancellationToken)
    {
        var (message, error) = await SpooledMessage.ParseAsync(stream, cancellationToken).ConfigureAwait(false);
        if (message is null)
        {
            SenderAuthLog.Unparsable(_logger, session.ConnectionId, error!);
        }

        return message;
    }

    private static Stream OpenBody(Func<Stream> openContent, long bodyOffset)
    {
        var stream = openContent();
        stream.Seek(bodyOffset, SeekOrigin.Current);
        return stream;
    }

    /// <summary>Awaits a check; if the time limit cancelled it, the fallback stands in.</summary>
    private static async Task<T> Bounded<T>(Task<T> task, Func<T> timedOut)
    {
        try
        {
            return await task.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return timedOut();
        }
    }
}
