namespace MailKitServer.Smtp.Session;

/// <summary>The protocol state of an SMTP session (the input mode is kept apart, in the reading code).</summary>
internal enum SmtpState
{
    /// <summary>Connected; no HELO/EHLO/LHLO yet.</summary>
    Connected,

    /// <summary>Greeted; no transaction.</summary>
    Ready,

    /// <summary>MAIL accepted; no recipient yet.</summary>
    Mail,

    /// <summary>At least one RCPT accepted.</summary>
    Recipients,

    /// <summary>Receiving BDAT chunks.</summary>
    Chunking,
}
