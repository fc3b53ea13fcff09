namespace MailKitServer.Smtp.Parsing;

/// <summary>The SMTP and LMTP commands the engine knows.</summary>
internal enum SmtpVerb : byte
{
    /// <summary>Not a known command.</summary>
    Unknown,

    /// <summary>HELO.</summary>
    Helo,

    /// <summary>EHLO.</summary>
    Ehlo,

    /// <summary>LHLO (LMTP).</summary>
    Lhlo,

    /// <summary>MAIL.</summary>
    Mail,

    /// <summary>RCPT.</summary>
    Rcpt,

    /// <summary>DATA.</summary>
    Data,

    /// <summary>BDAT (RFC 3030).</summary>
    Bdat,

    /// <summary>RSET.</summary>
    Rset,

    /// <summary>NOOP.</summary>
    Noop,

    /// <summary>QUIT.</summary>
    Quit,

    /// <summary>VRFY.</summary>
    Vrfy,

    /// <summary>EXPN.</summary>
    Expn,

    /// <summary>HELP.</summary>
    Help,

    /// <summary>AUTH (RFC 4954).</summary>
    Auth,

    /// <summary>STARTTLS (RFC 3207).</summary>
    StartTls,
}
