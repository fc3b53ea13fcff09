using MailKitServer.Addresses;
using MailKitServer.SenderAuth;
using MimeKit;

namespace MailKitServer.Policy;

/// <summary>
/// A received message offered to the policy before it is accepted (the anti-spam or compliance hook). The content is
/// already bounded by the server's message size limit; <see cref="LoadHeadersAsync"/> and
/// <see cref="LoadMessageAsync"/> give it as MimeKit objects, parsed on each call (keep the result if you need it twice).
/// </summary>
/// <param name="Sender">The reverse-path, or <see langword="null"/> for <c>&lt;&gt;</c>.</param>
/// <param name="Recipients">The accepted recipients.</param>
/// <param name="Size">The message size in octets.</param>
/// <param name="OpenContent">Opens a fresh, read-only stream over the message as received (before trace headers); call it as often as needed.</param>
public sealed record MessageCheckRequest(MailAddress? Sender, IReadOnlyList<MailAddress> Recipients, long Size, Func<Stream> OpenContent)
{
    /// <summary>
    /// What the sender authentication checks (SPF, DKIM, DMARC, ARC) found, or <see langword="null"/> when the listener
    /// does not check (submission, LMTP, or no checks configured). <see cref="DeliveryPolicy.OnMessageAsync"/> returns
    /// its <see cref="SenderAuthentication.Verdict"/>; a policy that overrides the message stage decides for itself.
    /// </summary>
    public SenderAuthentication? Authentication { get; init; }
    /// <summary>Parses only the message header (reading stops at the blank line that ends it).</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The header fields, decoded by MimeKit.</returns>
    public async ValueTask<HeaderList> LoadHeadersAsync(CancellationToken cancellationToken = default)
    {
        var content = OpenContent();
        await using (content.ConfigureAwait(false))
        {
            return await HeaderList.LoadAsync(ParserOptions.Default, content, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Parses the whole message (at most <see cref="Size"/> octets, which the message size limit bounds).</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The message.</returns>
    public async ValueTask<MimeMessage> LoadMessageAsync(CancellationToken cancellationToken = default)
    {
        var content = OpenContent();
        await using (content.ConfigureAwait(false))
        {
            return await MimeMessage.LoadAsync(content, cancellationToken).ConfigureAwait(false);
        }
    }
}
