namespace MailKitServer.Policy;

/// <summary>The role of an SMTP listener.</summary>
public enum SmtpRole
{
    /// <summary>Inbound MTA (port 25): no AUTH required, accepts mail for local domains.</summary>
    Mta,

    /// <summary>Message submission (ports 587 and 465, RFC 6409): AUTH required before MAIL.</summary>
    Submission,

    /// <summary>LMTP (RFC 2033): final delivery from an MTA in front of us, one reply per recipient.</summary>
    Lmtp,
}
