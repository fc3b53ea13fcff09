namespace MailKitServer.Smtp.Outbound;

/// <summary>What the next hop said to one message: the reply to each recipient and the final one.</summary>
/// <param name="RecipientReplies">One reply per recipient, in order (MAIL's reply when MAIL failed).</param>
/// <param name="DataReply">The reply after the content, or null when no recipient was accepted.</param>
/// <param name="DsnPassed">Whether DSN parameters went to the next hop (it offered DSN).</param>
internal sealed record SmtpTransactionResult(IReadOnlyList<SmtpClientReply> RecipientReplies, SmtpClientReply? DataReply, bool DsnPassed);
