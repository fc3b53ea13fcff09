using MailKitServer.Storage;

namespace MailKitServer.Imap.Responses;

/// <summary>The text of a NO for a store outcome, with the response code of RFC 5530.</summary>
internal static class StoreErrors
{
    /// <summary>The response code and text for a failed store operation.</summary>
    /// <param name="status">The outcome.</param>
    /// <param name="message">The store's explanation, if any.</param>
    /// <returns>"[CODE] text".</returns>
    public static string Text(StoreStatus status, string? message) => status switch
    {
        StoreStatus.NotFound => "[NONEXISTENT] " + (message ?? "No such mailbox"),
        StoreStatus.AlreadyExists => "[ALREADYEXISTS] " + (message ?? "Mailbox already exists"),
        StoreStatus.InvalidName => "[CANNOT] " + (message ?? "Invalid mailbox name"),
        StoreStatus.NotAllowed => "[CANNOT] " + (message ?? "Not allowed"),
        StoreStatus.OverQuota => "[OVERQUOTA] " + (message ?? "Quota exceeded"),
        _ => "[UNAVAILABLE] " + (message ?? "Try again later"),
    };
}
