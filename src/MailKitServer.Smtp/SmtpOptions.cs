using MailKitServer.Policy;
using MailKitServer.Smtp.Milter;
using MailKitServer.Smtp.SenderAuth;
using MailKitServer.Smtp.SenderAuth.Signing;

namespace MailKitServer.Smtp;

/// <summary>Options of one SMTP listener.</summary>
public sealed class SmtpOptions
{
    /// <summary>The role: MTA (port 25), submission (587/465) or LMTP.</summary>
    public SmtpRole Role { get; set; } = SmtpRole.Mta;

    /// <summary>The largest message accepted, in octets (advertised with SIZE, enforced while the data streams in).</summary>
    public long MaxMessageSize { get; set; } = 50L * 1024 * 1024;

    /// <summary>The most recipients per message (RFC 5321 §4.5.3.1.8 asks at least 100).</summary>
    public int MaxRecipients { get; set; } = 1000;

    /// <summary>The longest command line, counting CRLF (RFC 5321 §4.5.3.1.4 asks at least 512).</summary>
    public int MaxLineLength { get; set; } = 2048;

    /// <summary>How many bad commands a session may send before it is closed with 421.</summary>
    public int MaxErrors { get; set; } = 10;

    /// <summary>
    /// How long the server waits for the next command (RFC 5321 §4.5.3.2.7: at least 5 minutes), and the longest one
    /// command line may take from its first octet to its end: a client sending a byte a minute is cut off with 421.
    /// </summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long the server waits for the next block of message data (RFC 5321 §4.5.3.2.5: 3 minutes).</summary>
    public TimeSpan DataTimeout { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>
    /// The longest a whole DATA transfer (or one BDAT chunk) may take, however steadily the data trickles in
    /// (RFC 5321 §4.5.3.2.6 gives the client 10 minutes for the end of data); past it the session ends with 421.
    /// </summary>
    public TimeSpan DataTotalTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Whether STARTTLS is offered on a plain connection.</summary>
    public bool EnableStartTls { get; set; } = true;

    /// <summary>Whether CHUNKING and BINARYMIME (RFC 3030) are offered.</summary>
    public bool EnableChunking { get; set; } = true;

    /// <summary>Whether SMTPUTF8 (RFC 6531) is offered.</summary>
    public bool EnableSmtpUtf8 { get; set; } = true;

    /// <summary>Whether DSN (RFC 3461) is offered.</summary>
    public bool EnableDsn { get; set; } = true;

    /// <summary>Whether REQUIRETLS (RFC 8689) is offered (over TLS only).</summary>
    public bool EnableRequireTls { get; set; } = true;

    /// <summary>
    /// Where <c>RCPT TO:&lt;Postmaster&gt;</c> (no domain, RFC 5321 §4.5.1) is delivered; <see langword="null"/> for
    /// <c>postmaster@</c> the server name.
    /// </summary>
    public string? PostmasterAddress { get; set; }

    /// <summary>Message size kept in memory while receiving; larger messages are spooled to a temporary file.</summary>
    public long SpoolMemoryThreshold { get; set; } = 4L * 1024 * 1024;

    /// <summary>Where large messages are spooled, or <see langword="null"/> for the system's temporary folder.</summary>
    public string? SpoolDirectory { get; set; }

    /// <summary>
    /// Sender authentication of inbound mail (SPF, DKIM, DMARC, ARC and an Authentication-Results field), or
    /// <see langword="null"/> (the default) for none. Applies to MTA listeners only, and never to a session that
    /// authenticated; the results reach the delivery policy with the message.
    /// </summary>
    public SenderAuthOptions? SenderAuthentication { get; set; }

    /// <summary>
    /// Screening of clients before their mail is taken (DNS block and allow lists), or <see langword="null"/> (the
    /// default) for none. Meant for MTA listeners; an authenticated session is exempt.
    /// </summary>
    public Screening.ScreeningOptions? Screening { get; set; }

    /// <summary>
    /// Where a quarantined message (<see cref="PolicyVerdict.Quarantine"/>, such as DMARC's <c>p=quarantine</c>, or a
    /// milter's quarantine or spam header) is delivered instead of the mailbox the directory named: the user's mailbox
    /// with the \Junk special use (RFC 6154), or, when the user has none, one made with that role under this name; INBOX
    /// when the store cannot make it.
    /// </summary>
    public string QuarantineMailbox { get; set; } = "Junk";

    /// <summary>
    /// Keys that DKIM-sign the mail of authenticated senders (submission) whose From domain is a key's domain or under
    /// it; only a DKIM-Signature field is prepended, the message stays as submitted. Empty (the default): no signing.
    /// </summary>
    public IList<DkimSigningKey> DkimSigningKeys { get; } = [];

    /// <summary>
    /// Content filters (milters) asked at every step of each session, in this order; a message is stored as the last
    /// one left it. Empty (the default): none.
    /// </summary>
    public IList<MilterOptions> Milters { get; } = [];

    /// <summary>Returns every problem with these options, each naming the option.</summary>
    /// <param name="listener">The listener name, for the messages.</param>
    /// <returns>The problems.</returns>
    public IEnumerable<string> Validate(string listener)
    {
        var prefix = $"Smtp[{listener}].";
        if (MaxMessageSize < 1024)
        {
            yield return $"{prefix}{nameof(MaxMessageSize)} must be at least 1024 (was {MaxMessageSize}).";
        }

        if (MaxRecipients < 100)
        {
            yield return $"{prefix}{nameof(MaxRecipients)} must be at least 100, as RFC 5321 §4.5.3.1.8 requires (was {MaxRecipients}).";
        }

        if (MaxLineLength < 512)
        {
            yield return $"{prefix}{nameof(MaxLineLength)} must be at least 512, as RFC 5321 §4.5.3.1.4 requires (was {MaxLineLength}).";
        }

        if (MaxErrors < 1)
        {
            yield return $"{prefix}{nameof(MaxErrors)} must be at least 1 (was {MaxErrors}).";
        }

        if (CommandTimeout <= TimeSpan.Zero || DataTimeout <= TimeSpan.Zero || DataTotalTimeout <= TimeSpan.Zero)
        {
            yield return $"{prefix}{nameof(CommandTimeout)}, {nameof(DataTimeout)} and {nameof(DataTotalTimeout)} must be positive.";
        }

        if (SpoolMemoryThreshold < 0)
        {
            yield return $"{prefix}{nameof(SpoolMemoryThreshold)} must not be negative.";
        }

        if (SpoolDirectory is not null && !Directory.Exists(SpoolDirectory))
        {
            yield return $"{prefix}{nameof(SpoolDirectory)} '{SpoolDirectory}' does not exist.";
        }

        if (string.IsNullOrWhiteSpace(QuarantineMailbox))
        {
            yield return $"{prefix}{nameof(QuarantineMailbox)} must name a mailbox.";
        }

        for (var i = 0; i < Milters.Count; i++)
        {
            foreach (var problem in Milters[i].Validate($"{prefix}{nameof(Milters)}[{i}]."))
            {
                yield return problem;
            }
        }

        if (SenderAuthentication is { } auth)
        {
            foreach (var problem in auth.Validate($"{prefix}{nameof(SenderAuthentication)}."))
            {
                yield return problem;
            }
        }

        foreach (var problem in Screening?.Validate($"{prefix}{nameof(Screening)}.") ?? [])
        {
            yield return problem;
        }
    }
}
