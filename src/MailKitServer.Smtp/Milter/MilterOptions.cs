using System.Net;

namespace MailKitServer.Smtp.Milter;

/// <summary>
/// One content filter spoken to over the Sendmail/Postfix milter protocol (version 6) — rspamd's proxy worker,
/// OpenDKIM, spamass-milter, a libmilter program. Add it to <see cref="SmtpOptions.Milters"/>; the filters of a
/// listener are asked in the order added, each at every SMTP step (connect, HELO, MAIL, RCPT, DATA, the headers and
/// body, end of message), and each sees the message as the filters before it changed it. One connection per filter
/// and SMTP session.
/// </summary>
public sealed class MilterOptions
{
    /// <summary>Creates the options of a filter listening at <paramref name="endPoint"/>.</summary>
    /// <param name="endPoint">A TCP endpoint (<see cref="IPEndPoint"/>, <see cref="DnsEndPoint"/>) or a Unix socket (<see cref="System.Net.Sockets.UnixDomainSocketEndPoint"/>).</param>
    public MilterOptions(EndPoint endPoint)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        EndPoint = endPoint;
    }

    /// <summary>Where the filter listens.</summary>
    public EndPoint EndPoint { get; }

    /// <summary>
    /// The longest the server waits to connect, to send a packet and for each answer (Postfix's milter_command_timeout
    /// is 30 s); past it the filter counts as failed and <see cref="DefaultAction"/> applies.
    /// </summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// What happens when the filter cannot be reached, times out, closes or breaks the protocol (Postfix's
    /// milter_default_action): <see cref="MilterDefaultAction.TempFail"/> (the default) refuses the step with a 4xx
    /// reply, and every later step of the session too; <see cref="MilterDefaultAction.Accept"/> goes on without the filter.
    /// </summary>
    public MilterDefaultAction DefaultAction { get; set; } = MilterDefaultAction.TempFail;

    /// <summary>
    /// A header field by which the filter marks spam it lets through (rspamd's proxy adds <c>X-Spam: Yes</c> for its
    /// "add header" and "rewrite subject" actions): a message it adds or sets this field on with a value starting with
    /// "yes" is delivered to the recipients' junk mailbox, as a quarantine would be. <see langword="null"/>: none.
    /// </summary>
    public string? SpamHeader { get; set; } = "X-Spam";

    /// <summary>The value of the <c>{daemon_name}</c> macro (default: the listener's name).</summary>
    public string? DaemonName { get; set; }

    /// <summary>Returns every problem with these options.</summary>
    /// <param name="prefix">What to name the options by in the messages.</param>
    /// <returns>The problems.</returns>
    public IEnumerable<string> Validate(string prefix)
    {
        if (Timeout <= TimeSpan.Zero)
        {
            yield return $"{prefix}{nameof(Timeout)} must be positive (was {Timeout}).";
        }

        if (!Enum.IsDefined(DefaultAction))
        {
            yield return $"{prefix}{nameof(DefaultAction)} must be TempFail or Accept.";
        }
    }
}
