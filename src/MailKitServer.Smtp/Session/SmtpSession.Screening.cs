using MailKitServer.Replies;
using MailKitServer.Smtp.Screening;
using MailKitServer.Smtp.Screening.Dnsbl;

namespace MailKitServer.Smtp.Session;

/// <summary>Screening of the client (<see cref="SmtpOptions.Screening"/>): DNS block and allow lists.</summary>
internal sealed partial class SmtpSession
{
    private Screener? _screener;
    private Task<DnsListVerdict>? _listing;

    /// <summary>At connect: starts asking the DNS lists about the client, so their answers are in by RCPT TO.</summary>
    private void StartScreening()
    {
        if (_options.Screening is not { } screening)
        {
            return;
        }

        _screener = _context.Shared<ScreenerRegistry>().For(screening, _context);
        if (_screener.Lists.IsEnabled)
        {
            _listing = _screener.Lists.CheckAsync(_info.RemoteEndPoint.Address, _connection.Aborted);
        }
    }

    /// <summary>
    /// At RCPT TO, for a recipient that is otherwise accepted: the refusal, or <see langword="null"/> to accept. The DNS
    /// lists judge the client here rather than at the greeting (which RFC 5321 §3.1 would allow with 554): a client
    /// that authenticates first is exempt, and the refusal names the list for each recipient in the client's logs and
    /// its bounce to the sender. An authenticated session is not judged by the lists.
    /// </summary>
    private async ValueTask<SmtpReply?> ScreenRecipientAsync()
    {
        if (_screener is null || _info.AuthenticatedUser is not null)
        {
            return null;
        }

        var listing = _listing is null ? DnsListVerdict.NotListed : await _listing.ConfigureAwait(false);
        var client = DnsListName.Normalize(_info.RemoteEndPoint.Address).ToString();
        switch (listing.Kind)
        {
            case DnsListOutcome.Blocked:
                ScreeningLog.Blocked(_screener.Logger, _connection.Id, client, listing.Zone!.Zone, listing.Answer!.ToString());

                // The reply Postfix gives for a DNSBL listing: any 5yz at RCPT is a permanent refusal of that recipient (RFC 5321 §4.2.1).
                return new SmtpReply(554, "5.7.1", $"Service unavailable; client [{client}] blocked using {listing.Zone.Zone}");
            case DnsListOutcome.Allowed:
                ScreeningLog.Allowed(_screener.Logger, _connection.Id, client, listing.Zone!.Zone, listing.Answer!.ToString());
                return null;
            default:
                return null;
        }
    }
}
