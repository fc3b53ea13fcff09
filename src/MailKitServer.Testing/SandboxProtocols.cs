namespace MailKitServer.Testing;

/// <summary>The listeners a sandbox starts.</summary>
[Flags]
public enum SandboxProtocols
{
    /// <summary>None.</summary>
    None = 0,

    /// <summary>SMTP (MTA, no AUTH needed for local delivery), with STARTTLS.</summary>
    Smtp = 1,

    /// <summary>Submission (AUTH), with STARTTLS.</summary>
    Submission = 2,

    /// <summary>SMTP over implicit TLS.</summary>
    Smtps = 4,

    /// <summary>POP3, with STLS.</summary>
    Pop3 = 8,

    /// <summary>POP3 over implicit TLS.</summary>
    Pop3s = 16,

    /// <summary>IMAP, with STARTTLS.</summary>
    Imap = 32,

    /// <summary>IMAP over implicit TLS.</summary>
    Imaps = 64,

    /// <summary>Everything.</summary>
    All = Smtp | Submission | Smtps | Pop3 | Pop3s | Imap | Imaps,
}
