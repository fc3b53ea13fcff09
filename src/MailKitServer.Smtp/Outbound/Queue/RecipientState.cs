namespace MailKitServer.Smtp.Outbound.Queue;

/// <summary>Where one recipient of a queued message stands.</summary>
public enum RecipientState
{
    /// <summary>Not delivered yet; tried again on the schedule.</summary>
    Pending,

    /// <summary>Accepted by the next hop.</summary>
    Delivered,

    /// <summary>Failed for good (5xx, no such domain, expired); the sender is told if NOTIFY allows.</summary>
    Failed,
}
