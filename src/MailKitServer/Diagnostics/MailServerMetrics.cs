using System.Diagnostics.Metrics;

namespace MailKitServer.Diagnostics;

/// <summary>
/// The server's instruments on the <c>MailKitServer</c> meter, so OpenTelemetry (or dotnet-counters) can collect
/// them without a dependency: connections, commands, messages, octets, authentication failures, delivery attempts.
/// </summary>
public sealed class MailServerMetrics : IDisposable
{
    /// <summary>The meter name.</summary>
    public const string MeterName = "MailKitServer";

    private readonly Meter _meter;

    /// <summary>This server's meter (several servers in one process each have their own), for the web package's exporter.</summary>
    internal Meter Meter => _meter;

    /// <summary>Creates the instruments.</summary>
    /// <param name="meterFactory">The factory (from DI), or <see langword="null"/> for a meter of our own.</param>
    public MailServerMetrics(IMeterFactory? meterFactory = null)
    {
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName, ProductVersion.Value);
        Connections = _meter.CreateCounter<long>("mailkitserver.connections", "{connection}", "Connections accepted");
        ActiveConnections = _meter.CreateUpDownCounter<long>("mailkitserver.connections.active", "{connection}", "Connections open now");
        RejectedConnections = _meter.CreateCounter<long>("mailkitserver.connections.rejected", "{connection}", "Connections turned away by limits");
        Commands = _meter.CreateCounter<long>("mailkitserver.commands", "{command}", "Protocol commands handled");
        MessagesReceived = _meter.CreateCounter<long>("mailkitserver.messages.received", "{message}", "Messages accepted");
        BytesReceived = _meter.CreateCounter<long>("mailkitserver.messages.bytes", "By", "Octets of messages accepted");
        AuthenticationFailures = _meter.CreateCounter<long>("mailkitserver.auth.failures", "{attempt}", "Failed authentications");
        DeliveryAttempts = _meter.CreateCounter<long>("mailkitserver.delivery.attempts", "{attempt}", "Outbound delivery attempts");
        Deliveries = _meter.CreateCounter<long>("mailkitserver.delivery.delivered", "{recipient}", "Outbound recipients accepted by the next hop");
        Bounces = _meter.CreateCounter<long>("mailkitserver.delivery.bounces", "{message}", "Delivery status notifications sent");
        SenderAuthResults = _meter.CreateCounter<long>("mailkitserver.senderauth.results", "{result}", "Sender authentication results of received messages, by method and result");
        OutboundSignatures = _meter.CreateCounter<long>("mailkitserver.senderauth.signed", "{message}", "Outbound messages DKIM-signed or ARC-sealed, by method");
    }

    /// <summary>
    /// Sender authentication results of received messages, tagged <c>method</c> (spf, dkim, dmarc, arc, and
    /// dmarc-action for what was done) and <c>result</c> (pass, fail, ..., or reject, quarantine, accept, tempfail).
    /// </summary>
    public Counter<long> SenderAuthResults { get; }

    /// <summary>Outbound messages signed, tagged <c>method</c>: dkim (a DKIM-Signature) or arc (an ARC set when forwarding).</summary>
    public Counter<long> OutboundSignatures { get; }

    /// <summary>Outbound recipients accepted by the next hop.</summary>
    public Counter<long> Deliveries { get; }

    /// <summary>Delivery status notifications (bounces, delay and success notices) sent.</summary>
    public Counter<long> Bounces { get; }

    /// <summary>Publishes the outbound queue's depth as the gauge <c>mailkitserver.queue.depth</c>.</summary>
    /// <param name="depth">Reads the number of messages queued.</param>
    public void ObserveQueueDepth(Func<long> depth) =>
        _meter.CreateObservableGauge("mailkitserver.queue.depth", depth, "{message}", "Messages in the outbound queue");

    /// <summary>Connections accepted, tagged with the listener.</summary>
    public Counter<long> Connections { get; }

    /// <summary>Connections open now.</summary>
    public UpDownCounter<long> ActiveConnections { get; }

    /// <summary>Connections turned away by limits.</summary>
    public Counter<long> RejectedConnections { get; }

    /// <summary>Protocol commands, tagged with protocol and command.</summary>
    public Counter<long> Commands { get; }

    /// <summary>Messages accepted.</summary>
    public Counter<long> MessagesReceived { get; }

    /// <summary>Octets of messages accepted.</summary>
    public Counter<long> BytesReceived { get; }

    /// <summary>Failed authentications.</summary>
    public Counter<long> AuthenticationFailures { get; }

    /// <summary>Outbound delivery attempts.</summary>
    public Counter<long> DeliveryAttempts { get; }

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();
}
