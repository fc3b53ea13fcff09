using System.Net;
using MailKitServer.Addresses;
using Microsoft.Extensions.Logging;

namespace MailKitServer.Smtp.Screening.Greylisting;

/// <summary>The greylisting decision for one recipient (RFC 6647), on the server's clock and the configured store.</summary>
internal sealed class Greylist(GreylistOptions options, TimeProvider time, ILogger logger)
{
    /// <summary>Records a refused attempt again only this long after the last record, so a retrying MTA does not write on every try.</summary>
    private static readonly TimeSpan RefreshAfter = TimeSpan.FromHours(1);

    /// <summary>
    /// Decides whether the triplet passes now: <see langword="null"/> when it does, else how long until its retry will.
    /// Never throws for a store's fault: then the mail passes (logged).
    /// </summary>
    public async ValueTask<TimeSpan?> CheckAsync(IPAddress client, MailAddress? sender, MailAddress recipient, CancellationToken cancellationToken)
    {
        var network = GreylistKeys.Network(client, options.IPv4PrefixLength, options.IPv6PrefixLength);
        var key = GreylistKeys.Triplet(network, sender, recipient);
        var now = time.GetUtcNow();
        try
        {
            if (options.ClientPassesToSkip > 0
                && await options.Store.FindAsync(GreylistKeys.Client(network), cancellationToken).ConfigureAwait(false) is { } known
                && known.Expires > now && known.Passes >= options.ClientPassesToSkip)
            {
                return null;
            }

            var entry = await options.Store.FindAsync(key, cancellationToken).ConfigureAwait(false);
            if (entry is null || entry.Expires <= now)
            {
                // First attempt (or one whose retry came too late, or that had not been used for the pass lifetime).
                await options.Store.SaveAsync(new GreylistEntry(key, now, now, 0, now + options.RetryWindow), cancellationToken).ConfigureAwait(false);
                ScreeningLog.Greylisted(logger, key, options.Delay.TotalSeconds);
                return options.Delay;
            }

            if (entry.Passes == 0 && now < entry.FirstSeen + options.Delay)
            {
                // RFC 6647 §2.2: a retry before the delay is refused again, without moving the first attempt's time.
                return entry.FirstSeen + options.Delay - now;
            }

            if (entry.Passes == 0 || now - entry.LastSeen >= RefreshAfter)
            {
                await options.Store.SaveAsync(entry with { LastSeen = now, Passes = entry.Passes + 1, Expires = now + options.PassLifetime }, cancellationToken).ConfigureAwait(false);
            }

            if (entry.Passes == 0)
            {
                ScreeningLog.GreylistPassed(logger, key, (now - entry.FirstSeen).TotalSeconds);
                if (options.ClientPassesToSkip > 0)
                {
                    var clientKey = GreylistKeys.Client(network);
                    var counted = await options.Store.FindAsync(clientKey, cancellationToken).ConfigureAwait(false);
                    counted = counted is null || counted.Expires <= now ? new GreylistEntry(clientKey, now, now, 0, now) : counted;
                    await options.Store.SaveAsync(counted with { LastSeen = now, Passes = counted.Passes + 1, Expires = now + options.PassLifetime }, cancellationToken).ConfigureAwait(false);
                }
            }

            return null;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // RFC 6647 §5: greylisting must not lose mail; a broken store lets it through.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            ScreeningLog.GreylistStoreFailed(logger, key, ex.Message);
            return null;
        }
    }
}
