namespace MailKitServer.Testing.Faults;

/// <summary>The SMTP stages a fault can hit.</summary>
public enum SmtpStage
{
    /// <summary>The connection, before the greeting.</summary>
    Connect,

    /// <summary>EHLO or HELO.</summary>
    Helo,

    /// <summary>MAIL FROM.</summary>
    MailFrom,

    /// <summary>RCPT TO (a fault can name one recipient).</summary>
    RcptTo,

    /// <summary>After the content (the reply to the final "." or BDAT LAST); nothing is stored when it fires.</summary>
    Data,
}
