using Microsoft.Extensions.Logging;

namespace MailKitServer.Smtp.Diagnostics;

/// <summary>Log messages of filtered local delivery (Sieve decisions carried out). Event ids 2200–2249.</summary>
internal static partial class FilterLog
{
    [LoggerMessage(2200, LogLevel.Information, "Message {MessageId}: refused for {User} by the user's rules: {Reason}")]
    public static partial void Rejected(ILogger logger, string messageId, string user, string reason);

    [LoggerMessage(2201, LogLevel.Error, "Message {MessageId}: the filter for {User} failed; the message is kept in INBOX")]
    public static partial void FilterFailed(ILogger logger, Exception exception, string messageId, string user);

    [LoggerMessage(2202, LogLevel.Error, "Message {MessageId}: a message the rules of {User} send to <{Recipient}> could not be sent")]
    public static partial void SendFailed(ILogger logger, Exception exception, string messageId, string user, string recipient);

    [LoggerMessage(2203, LogLevel.Warning, "Message {MessageId}: mailbox {Mailbox} of {User} could not be created ({Status}); the copy goes to INBOX")]
    public static partial void CreateFailed(ILogger logger, string messageId, string user, string mailbox, Storage.StoreStatus status);
}
