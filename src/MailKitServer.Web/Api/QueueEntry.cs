using MailKitServer.Smtp.Outbound;

namespace MailKitServer.Web.Api;

/// <summary>One queued message as the API shows it.</summary>
internal sealed record QueueEntry(string Id, string From, long Size, DateTimeOffset Arrived, int Attempts, DateTimeOffset NextAttempt, IReadOnlyList<QueueRecipient> Recipients)
{
    public static QueueEntry Of(QueueEntryInfo info) => new(
        info.Id,
        info.ReversePath,
        info.Size,
        info.ArrivedAt,
        info.Attempts,
        info.NextAttemptAt,
        info.Recipients.Select(r => new QueueRecipient(r.Address, r.State.ToString(), r.Status, r.Diagnostic)).ToList());
}
