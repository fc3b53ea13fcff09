using MailKitServer.Smtp.Outbound.Queue;
using MailKitServer.Runtime;

namespace MailKitServer.Smtp.Outbound;

/// <summary>Adds outbound delivery (the queue, DNS routing, the SMTP client and bounces) to a server.</summary>
public static class OutboundMailServerExtensions
{
    /// <summary>
    /// Delivers mail for remote recipients (relayed by authenticated users, or forwarded by aliases) through an
    /// <see cref="OutboundQueue"/>. Without a queue store, entries are kept in memory; pass a
    /// <see cref="FileQueueStore"/> to keep them across restarts.
    /// </summary>
    /// <param name="builder">The server being composed; the queue replaces any set before.</param>
    /// <param name="configure">Sets routing, retry and reporting options.</param>
    /// <param name="store">Where queue entries are kept.</param>
    /// <returns>The builder.</returns>
    public static MailServerBuilder AddOutboundDelivery(this MailServerBuilder builder, Action<OutboundOptions>? configure = null, IQueueStore? store = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new OutboundOptions();
        configure?.Invoke(options);
        return builder.UseOutboundQueue(context => new OutboundQueue(context, options, store ?? new InMemoryQueueStore()));
    }

    /// <summary>The server's outbound queue, for inspection (list, retry now, delete).</summary>
    /// <param name="server">A server built with <c>UseOutboundQueue</c> (this package's).</param>
    /// <returns>The queue.</returns>
    /// <exception cref="InvalidOperationException">The server has no <see cref="OutboundQueue"/>.</exception>
    public static OutboundQueue GetOutboundQueue(this MailServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        return server.Context.OutboundQueue as OutboundQueue ?? throw new InvalidOperationException("This server has no outbound queue: call AddOutboundDelivery on its builder.");
    }
}
