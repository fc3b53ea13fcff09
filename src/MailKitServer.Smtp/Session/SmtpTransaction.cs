using MailKitServer.Runtime;
using MailKitServer.Addresses;
using MailKitServer.Delivery;
using MailKitServer.Smtp.Data;

namespace MailKitServer.Smtp.Session;

/// <summary>The envelope and content of the message being received; reused across a session's transactions.</summary>
internal sealed class SmtpTransaction(MessageSpool spool)
{
    public MailAddress? Sender { get; private set; }

    /// <summary>The parameters of the accepted MAIL; <see cref="MailParameters.None"/> before it.</summary>
    public MailParameters Parameters { get; private set; } = MailParameters.None;

    public BodyType Body => Parameters.Body;

    public bool SmtpUtf8 => Parameters.SmtpUtf8;

    public bool RequireTls => Parameters.RequireTls;

    public DsnReturn? Return => Parameters.Return;

    public string? EnvelopeId => Parameters.EnvelopeId;

    public List<SmtpRecipient> Recipients { get; } = [];

    public MessageSpool Spool { get; } = spool;

    public DotUnstuffer Unstuffer { get; } = new();

    /// <summary>Octets of Return-Path at the start of the spool (stripped for relaying).</summary>
    public long ReturnPathLength { get; set; }

    /// <summary>Octets of trace headers at the start of the spool (stripped for the policy).</summary>
    public long TraceLength { get; set; }

    public string ReversePath => Sender?.Address ?? string.Empty;

    /// <summary>Starts the transaction once MAIL is accepted, with everything its parameters say at once.</summary>
    public void Begin(MailAddress? sender, MailParameters parameters)
    {
        Sender = sender;
        Parameters = parameters;
    }

    /// <summary>Changes the envelope sender (a content filter's SMFIR_CHGFROM); null for the null sender.</summary>
    public void ChangeSender(MailAddress? sender) => Sender = sender;

    public void Reset()
    {
        Sender = null;
        Parameters = MailParameters.None;
        Recipients.Clear();
        Spool.Reset();
        Unstuffer.Reset();
        ReturnPathLength = 0;
        TraceLength = 0;
    }
}
