using MailKitServer.Delivery;

namespace MailKitServer.Smtp.Outbound.Queue;

/// <summary>A message in the outbound queue: its envelope, per-recipient state and schedule. The content is kept by the <see cref="IQueueStore"/>.</summary>
public sealed class QueuedMessage
{
    /// <summary>The queue id.</summary>
    public required string Id { get; init; }

    /// <summary>The sender, empty for the null sender (bounces).</summary>
    public required string ReversePath { get; init; }

    /// <summary>The recipients.</summary>
    public required IList<QueuedRecipient> Recipients { get; init; }

    /// <summary>The body type declared at MAIL.</summary>
    public BodyType Body { get; init; }

    /// <summary>Whether the message needs SMTPUTF8.</summary>
    public bool SmtpUtf8 { get; init; }

    /// <summary>Whether REQUIRETLS was asked (RFC 8689).</summary>
    public bool RequireTls { get; init; }

    /// <summary>DSN RET, if given.</summary>
    public DsnReturn? Return { get; init; }

    /// <summary>DSN ENVID, if given.</summary>
    public string? EnvelopeId { get; init; }

    /// <summary>The size of the content in octets (known once the store has it).</summary>
    public long Size { get; set; }

    /// <summary>When the message was queued.</summary>
    public DateTimeOffset ArrivedAt { get; init; }

    /// <summary>How many delivery attempts were made.</summary>
    public int Attempts { get; set; }

    /// <summary>When the next attempt is due.</summary>
    public DateTimeOffset NextAttemptAt { get; set; }

    /// <summary>Whether a "delayed" notice was sent.</summary>
    public bool DelayReported { get; set; }

    /// <summary>The envelope as the SMTP engine handed it over.</summary>
    public OutboundEnvelope ToEnvelope() =>
        new(ReversePath, Recipients.Select(r => new OutboundRecipient(r.Address, r.Notify, r.OriginalRecipient)).ToList(), Body, SmtpUtf8, RequireTls, Return, EnvelopeId);
}
