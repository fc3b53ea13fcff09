using MailKitServer.Replies;

namespace MailKitServer.Policy;

/// <summary>A policy's answer for one RCPT TO.</summary>
public sealed record RecipientVerdict
{
    private RecipientVerdict(RecipientAction action, SmtpReply? reply)
    {
        Action = action;
        Reply = reply;
    }

    /// <summary>Deliver locally.</summary>
    public static RecipientVerdict Deliver { get; } = new(RecipientAction.Deliver, null);

    /// <summary>Relay to a remote server.</summary>
    public static RecipientVerdict Relay { get; } = new(RecipientAction.Relay, null);

    /// <summary>What to do.</summary>
    public RecipientAction Action { get; }

    /// <summary>The refusal when <see cref="Action"/> is <see cref="RecipientAction.Reject"/>.</summary>
    public SmtpReply? Reply { get; }

    /// <summary>Refuses the recipient.</summary>
    /// <param name="reply">A 4xx or 5xx reply.</param>
    /// <returns>The verdict.</returns>
    public static RecipientVerdict Reject(SmtpReply reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        if (reply.IsPositive)
        {
            throw new ArgumentException("A rejection needs a 4xx or 5xx reply.", nameof(reply));
        }

        return new RecipientVerdict(RecipientAction.Reject, reply);
    }
}
