using System.Security.Cryptography;
using MailKitServer.Delivery;
using MailKitServer.Dns;
using MailKitServer.Smtp.SenderAuth.Signing;
using Microsoft.Extensions.Logging;

namespace MailKitServer.Smtp.Outbound.TlsRpt;

/// <summary>
/// Sends the daily TLSRPT reports (RFC 8460): at each UTC midnight of the server's <see cref="TimeProvider"/>, every
/// earlier day the collector holds goes, per policy domain, to the <c>mailto:</c> addresses of the domain's
/// <c>_smtp._tls</c> record through the outbound queue; domains without a record get nothing.
/// </summary>
internal sealed class TlsReporter(TlsReportCollector collector, TlsReportOptions options, IDnsResolver dns, TimeProvider time, IOutboundQueue queue, ILogger logger)
{
    /// <summary>Waits for each UTC midnight and sends what is due, until stopped.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            var midnight = new DateTimeOffset(now.UtcDateTime.Date.AddDays(1), TimeSpan.Zero);
            try
            {
                await Task.Delay(midnight - now, time, cancellationToken).ConfigureAwait(false);
                await SendDueAsync(DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime), cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                OutboundLog.TlsReportFailed(logger, "(all)", ex.Message);
            }
        }
    }

    /// <summary>Sends the reports of every day before <paramref name="before"/>; returns how many messages were queued.</summary>
    public async Task<int> SendDueAsync(DateOnly before, CancellationToken cancellationToken)
    {
        var sent = 0;
        var submitter = options.Sender[(options.Sender.LastIndexOf('@') + 1)..];
        foreach (var (day, domain, policies) in collector.TakeBefore(before))
        {
            var txt = await dns.ResolveTxtAsync("_smtp._tls." + domain, cancellationToken).ConfigureAwait(false);
            if (txt.Status != DnsStatus.Success || TlsRptRecord.Select(txt.Records.Select(r => r.Value)) is not { } record)
            {
                continue;
            }

            var reportId = $"{day:yyyyMMdd}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}@{submitter}";
            var json = TlsReportJson.Write(options.OrganizationName, options.ContactInfo ?? options.Sender, reportId, domain, day, policies);
            foreach (var uri in record.Rua)
            {
                if (TlsRptRecord.MailtoAddress(uri) is not { } to)
                {
                    // RFC 8460 §5.2's HTTPS POST is not implemented: the report goes to the record's mailto: addresses only.
                    OutboundLog.TlsReportFailed(logger, domain, $"{uri}: https reports are not sent");
                    continue;
                }

                var message = TlsReportMessage.Compose(options.Sender, to, submitter, domain, reportId, day, json, time.GetUtcNow());
                if (options.SigningKey is { } key && await new OutboundDkimSigner([key]).SignAsync(new MemoryStream(message, writable: false), cancellationToken).ConfigureAwait(false) is { } signature)
                {
                    message = [.. signature.Field, .. message];
                }

                using var content = new MemoryStream(message, writable: false);
                var id = await queue.EnqueueAsync(new OutboundEnvelope(options.Sender, [new OutboundRecipient(to, DsnNotify.Never, null)], BodyType.SevenBit, false, false, null, null), content, cancellationToken).ConfigureAwait(false);
                OutboundLog.TlsReportQueued(logger, id, domain, day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), to);
                sent++;
            }
        }

        return sent;
    }
}
