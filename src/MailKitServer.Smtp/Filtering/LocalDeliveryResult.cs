using MailKitServer.Delivery;
using MailKitServer.Storage;

namespace MailKitServer.Smtp.Filtering;

/// <summary>What became of a message's local copies, per resolved mailbox.</summary>
internal sealed class LocalDeliveryResult
{
    /// <summary>The resolved mailboxes whose copies are all durable (or that the user's rules discarded or refused with a notice).</summary>
    public HashSet<MailboxTarget> Delivered { get; } = [];

    /// <summary>The resolved mailboxes that refused a copy for quota.</summary>
    public HashSet<MailboxTarget> Full { get; } = [];

    /// <summary>The resolved mailboxes whose owner's rules refused the message, with the reason.</summary>
    public Dictionary<MailboxTarget, string> Rejected { get; } = [];

    /// <summary>Messages the rules send (redirects, vacation replies), with the user whose rules send them.</summary>
    public List<(MailboxTarget Target, FilterMessage Message)> Messages { get; } = [];
}
