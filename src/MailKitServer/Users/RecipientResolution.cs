using MailKitServer.Addresses;
using MailKitServer.Storage;

namespace MailKitServer.Users;

/// <summary>What an address resolves to.</summary>
/// <param name="Status">Whether it resolved.</param>
/// <param name="Mailboxes">Local mailboxes to deliver to (duplicates removed).</param>
/// <param name="RemoteAddresses">Addresses outside the local domains that an alias forwards to.</param>
public sealed record RecipientResolution(RecipientStatus Status, IReadOnlyList<MailboxTarget> Mailboxes, IReadOnlyList<MailAddress> RemoteAddresses)
{
    /// <summary>The domain is not local.</summary>
    public static RecipientResolution NotLocal { get; } = new(RecipientStatus.NotLocal, [], []);

    /// <summary>The domain is local but nobody has the address.</summary>
    public static RecipientResolution UnknownUser { get; } = new(RecipientStatus.UnknownUser, [], []);

    /// <summary>The directory could not answer now.</summary>
    public static RecipientResolution TemporaryFailure { get; } = new(RecipientStatus.TemporaryFailure, [], []);
}
