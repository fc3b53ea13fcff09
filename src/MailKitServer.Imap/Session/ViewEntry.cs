using MailKitServer.Storage;

namespace MailKitServer.Imap.Session;

/// <summary>
/// One message as the client knows it: it holds its sequence number (its place in <see cref="SelectedMailbox"/>)
/// until the client is told it is gone, even when the store has already expunged it.
/// </summary>
/// <param name="info">The message as last seen in the store.</param>
internal sealed class ViewEntry(MessageInfo info)
{
    /// <summary>The message as last seen in the store (the newest MODSEQ wins).</summary>
    public MessageInfo Info { get; set; } = info;

    /// <summary>The UID.</summary>
    public uint Uid => Info.Uid;

    /// <summary>Whether the store expunged it and the client has not been told yet (RFC 2180 §4.1).</summary>
    public bool Expunged { get; set; }
}
