using System.Globalization;
using MailKitServer.Addresses;
using MailKitServer.Replies;
using MailKitServer.Smtp.Screening;
using MailKitServer.Smtp.Screening.Dnsbl;
using MailKitServer.Smtp.Screening.Greylisting;
using MailKitServer.Smtp.Screening.RateLimits;

namespace MailKitServer.Smtp.Session;

/// <summary>Screening of the client (<see cref="SmtpOptions.Screening"/>): DNS block and allow lists, greylisting, rate limits.</summary>
internal sealed partial class SmtpSession
{
    private Screener? _screener;
    private Task<DnsListVerdict>? _listing;

    /// <summary>The client's address as the lists and replies show it (an IPv4-mapped address as IPv4).</summary>
    private string ScreenedClient => DnsListName.Normalize(_info.RemoteEndPoint.Address).ToString();

    /// <summary>At connect: starts asking the DNS lists about the client, so their answers are in by RCPT TO.</summary>
    private void StartScreening()
    {
        if (_options.Screening is not { } screening)
        {
            return;
        }

        _screener = _context.Shared<ScreenerRegistry>().For(screening, _context);

        // Submission takes no mail before AUTH, and authenticated sessions are not judged by the lists: no lookups there.
        if (_screener.Lists.IsEnabled && _options.Role != Policy.SmtpRole.Submission)
        {
            _listing = _screener.Lists.CheckAsync(_info.RemoteEndPoint.Address, _connection.Aborted);
        }
    }

    /// <summary>At MAIL FROM: the refusal when the client or user has sent its messages for the period, or <see langword="null"/>.</summary>
    private SmtpReply? ScreenSender()
    {
        if (_screener is not { Rates: { } rates, Options.RateLimits: { } limits })
        {
            return null;
        }

        var user = _info.AuthenticatedUser;
        return user is null
            ? Limit(rates, limits.MessagesPerClient, "M " + RateSubject(), "messages", $"[{ScreenedClient}]")
            : Limit(rates, limits.MessagesPerUser, "M user " + user, "messages", user);
    }

    /// <summary>
    /// At RCPT TO, for a recipient that is otherwise accepted: the refusal, or <see langword="null"/> to accept. The DNS
    /// lists judge the client here rather than at the greeting (which RFC 5321 §3.1 would allow with 554): a client
    /// that authenticates first is exempt, and the refusal names the list for each recipient in the client's logs and
    /// its bounce to the sender. Then greylisting, then the rate limits. An authenticated session meets only its user's
    /// rate limits.
    /// </summary>
    private async ValueTask<SmtpReply?> ScreenRecipientAsync(MailAddress recipient)
    {
        if (_screener is null)
        {
            return null;
        }

        var user = _info.AuthenticatedUser;
        var allowed = false;
        if (user is null)
        {
            var listing = _listing is null ? DnsListVerdict.NotListed : await _listing.ConfigureAwait(false);
            switch (listing.Kind)
            {
                case DnsListOutcome.Blocked:
                    ScreeningLog.Blocked(_screener.Logger, _connection.Id, ScreenedClient, listing.Zone!.Zone, listing.Answer!.ToString());

                    // The reply Postfix gives for a DNSBL listing: any 5yz at RCPT is a permanent refusal of that recipient (RFC 5321 §4.2.1).
                    return new SmtpReply(554, "5.7.1", $"Service unavailable; client [{ScreenedClient}] blocked using {listing.Zone.Zone}");
                case DnsListOutcome.Allowed:
                    ScreeningLog.Allowed(_screener.Logger, _connection.Id, ScreenedClient, listing.Zone!.Zone, listing.Answer!.ToString());
                    allowed = true;
                    break;
            }
        }

        if (user is null && !allowed && _screener.Greylist is { } greylist
            && await greylist.CheckAsync(_info.RemoteEndPoint.Address, _transaction.Sender, recipient, _connection.Aborted).ConfigureAwait(false) is { } wait)
        {
            // RFC 6647 §2.1: a temporary failure; the hint tells a patient MTA when its retry will be taken.
            return new SmtpReply(451, "4.7.1", $"Greylisted, please try again in {Seconds(wait)} seconds");
        }

        if (_screener is not { Rates: { } rates, Options.RateLimits: { } limits })
        {
            return null;
        }

        if (limits.RecipientsPerMessage is { } perMessage && _transaction.Recipients.Count >= perMessage)
        {
            // RFC 5321 §4.5.3.1.10: 452 for too many recipients; the client sends the rest in another transaction.
            return new SmtpReply(452, "4.5.3", $"Too many recipients for one message (at most {perMessage.ToString(CultureInfo.InvariantCulture)}); send the rest in another");
        }

        return user is null
            ? Limit(rates, limits.RecipientsPerClient, "R " + RateSubject(), "recipients", $"[{ScreenedClient}]")
            : Limit(rates, limits.RecipientsPerUser, "R user " + user, "recipients", user);
    }

    /// <summary>The rate-limit subject of an unauthenticated client: its IPv4 address, or its IPv6 /64 (one host's usual share).</summary>
    private string RateSubject() => GreylistKeys.Network(_info.RemoteEndPoint.Address, 32, 64);

    private static SmtpReply? Limit(RateLimiter rates, RateLimit? limit, string subject, string what, string who) =>
        limit is not null && rates.TryTake(subject, limit) is { } wait
            ? new SmtpReply(451, "4.7.1", $"Rate limit exceeded: at most {limit.Count.ToString(CultureInfo.InvariantCulture)} {what} per {RateLimit.FormatPeriod(limit.Period)} from {who}; please try again in {Seconds(wait)} seconds")
            : null;

    private static string Seconds(TimeSpan wait) => Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
}
