using MailKitServer.Runtime;
using MailKitServer.Addresses;
using MailKitServer.Delivery;
using MailKitServer.Smtp.Data;

namespace MailKitServer.Smtp.Session;

/// <summary>The envelope and content of the message being received; reused across a session's transactions.</summary>
internal sealed class SmtpTransaction(MessageSpool spool)
{
    public MailAddress? Sender { get; set; }

    public BodyType Body { get; set; }

    public bool SmtpUtf8 { get; set; }

    public bool RequireTls { get; set; }

    public DsnReturn? Return { get; set; }

    public string? EnvelopeId { get; set; }

    public List<SmtpRecipient> Recipients { get; } = [];

    public MessageSpool Spool { get; } = spool;

    public DotUnstuffer Unstuffer { get; } = new();

    /// <summary>Octets of Return-Path at the start of the spool (stripped for relaying).</summary>
    public long ReturnPathLength { get; set; }

    /// <summary>Octets of trace headers at the start of the spool (stripped for the policy).</summary>
    public long TraceLength { get; set; }

    public string ReversePath => Sender?.Address ?? string.Empty;

    public void Reset()
    {
        Sender = null;
        Body = BodyType.SevenBit;
        SmtpUtf8 = false;
        RequireTls = false;
        Return = null;
        EnvelopeId = null;
        Recipients.Clear();
        Spool.Reset();
        Unstuffer.Reset();
        ReturnPathLength = 0;
        TraceLength = 0;
    }
}
