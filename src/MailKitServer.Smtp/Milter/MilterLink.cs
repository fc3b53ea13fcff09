namespace MailKitServer.Smtp.Milter;

/// <summary>One filter of a session's chain: its connection and where it stands.</summary>
internal sealed class MilterLink(MilterOptions options)
{
    public MilterOptions Options { get; } = options;

    /// <summary>The connection; null before connect and after a failure.</summary>
    public MilterClient? Client { get; set; }

    /// <summary>The filter failed: its <see cref="MilterOptions.DefaultAction"/> stands for the rest of the session.</summary>
    public bool Failed { get; set; }

    /// <summary>The filter accepted the connection: it is not asked again in this session.</summary>
    public bool AcceptedConnection { get; set; }

    /// <summary>The filter accepted (or is done with) the message: it is not asked again until the next MAIL.</summary>
    public bool AcceptedMessage { get; set; }

    /// <summary>MAIL was sent and end of message was not: an SMFIC_ABORT is due before the next message.</summary>
    public bool MessageOpen { get; set; }

    /// <summary>Whether the filter is asked at the next step.</summary>
    public bool Active => Client is not null && !Failed && !AcceptedConnection && !AcceptedMessage;
}
