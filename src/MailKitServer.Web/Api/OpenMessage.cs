using MailKitServer.Storage;
using MimeKit;

namespace MailKitServer.Web.Api;

/// <summary>One message opened in its mailbox, with the account and view that hold it; dispose to close both.</summary>
internal sealed class OpenMessage(MessageId id, IMailAccount account, IMailboxView view, MessageInfo info) : IAsyncDisposable
{
    public MessageId Id => id;

    public IMailboxView View => view;

    public MessageInfo Info => info;

    /// <summary>Opens the stored message, all of it.</summary>
    public async Task<Stream> OpenContentAsync(CancellationToken cancellationToken) =>
        await view.OpenContentAsync(info.Uid, 0, null, cancellationToken).ConfigureAwait(false)
        ?? throw new MessageGoneException();

    /// <summary>Parses the whole message (bounded by the size the server accepted it at).</summary>
    public async Task<MimeMessage> LoadAsync(CancellationToken cancellationToken)
    {
        await using var content = await OpenContentAsync(cancellationToken).ConfigureAwait(false);
        return await MimeMessage.LoadAsync(content, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await view.DisposeAsync().ConfigureAwait(false);
        await account.DisposeAsync().ConfigureAwait(false);
    }
}
