using MailKitServer.Replies;

namespace MailKitServer.Policy;

/// <summary>A policy's answer at one SMTP stage: go on, or refuse with a reply.</summary>
public sealed record PolicyVerdict
{
    private PolicyVerdict(SmtpReply? reply, bool quarantine = false)
    {
        Reply = reply;
        IsQuarantined = quarantine;
    }

    /// <summary>Go on with the engine's normal reply.</summary>
    public static PolicyVerdict Accept { get; } = new((SmtpReply?)null);

    /// <summary>
    /// Accept the message, but deliver each local copy to the recipient's junk mailbox instead of the one the
    /// directory named (the DMARC <c>quarantine</c> action, RFC 7489 §6.3). Only the message stage honours it; earlier
    /// stages treat it as <see cref="Accept"/>.
    /// </summary>
    public static PolicyVerdict Quarantine { get; } = new(null, quarantine: true);

    /// <summary>The refusal, or <see langword="null"/> when accepted.</summary>
    public SmtpReply? Reply { get; }

    /// <summary>Whether the stage may go on.</summary>
    public bool IsAccepted => Reply is null;

    /// <summary>Whether the message is accepted into the recipients' junk mailboxes (<see cref="Quarantine"/>).</summary>
    public bool IsQuarantined { get; }

    /// <summary>Refuses with a reply (4xx: try later; 5xx: permanently).</summary>
    /// <param name="reply">A 4xx or 5xx reply.</param>
    /// <returns>The verdict.</returns>
    public static PolicyVerdict Reject(SmtpReply reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        if (reply.IsPositive)
        {
            throw new ArgumentException("A rejection needs a 4xx or 5xx reply.", nameof(reply));
        }

        return new PolicyVerdict(reply);
    }
}
