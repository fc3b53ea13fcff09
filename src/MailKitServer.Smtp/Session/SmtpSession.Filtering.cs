using System.Text;
using MailKitServer.Smtp.Data;
using MailKitServer.Smtp.Diagnostics;
using MailKitServer.Smtp.Filtering;
using MailKitServer.Smtp.Outbound;
using MailKitServer.Smtp.SenderAuth;
using MailKitServer.Storage;

namespace MailKitServer.Smtp.Session;

/// <summary>What a delivery filter (Sieve) decided, carried into the replies and the messages it sends.</summary>
internal sealed partial class SmtpSession
{
    /// <summary>
    /// The recipients refused in the protocol because their owners' rules refused every copy (RFC 5429 §2.1:
    /// reject/ereject refuse at the protocol level when they can): with LMTP each such recipient; with SMTP only
    /// when that is every recipient (one reply covers them all). The notice the rules composed is then not sent.
    /// </summary>
    private IReadOnlySet<SmtpRecipient> RefusedRecipients(SmtpTransaction transaction, LocalDeliveryResult local)
    {
        if (local.Rejected.Count == 0)
        {
            return NoRecipients;
        }

        var refused = transaction.Recipients.Where(r => r.Remote.Count == 0 && r.Mailboxes.Count > 0 && r.Mailboxes.All(local.Rejected.ContainsKey)).ToHashSet();
        return _lmtp || refused.Count == transaction.Recipients.Count ? refused : NoRecipients;
    }

    /// <summary>Sends what the rules send (redirects, vacation replies, refusal notices) once the copies are stored.</summary>
    private async ValueTask SendFilterMessagesAsync(SmtpTransaction transaction, IReadOnlyList<ContentEdit> edits, LocalDeliveryResult local, IReadOnlySet<SmtpRecipient> refused, string messageId, InboundCheck? check)
    {
        if (local.Messages.Count == 0)
        {
            return;
        }

        var silenced = refused.SelectMany(r => r.Mailboxes).ToHashSet();
        foreach (var (target, message) in local.Messages)
        {
            if (silenced.Contains(target))
            {
                continue;
            }

            try
            {
                // The received message goes as stored (with the fields this server added, such as
                // Authentication-Results) but without its Return-Path; the filter's trace fields go on top, and an
                // ARC set when it leaves our domains (RFC 8617 §5.1).
                var skip = transaction.ReturnPathLength;
                List<ContentEdit> sent = message.Trace is { } trace ? [ContentEdit.Insertion(skip, trace), .. edits] : [.. edits];
                Func<Stream> content = message.Content is { } bytes
                    ? () => new MemoryStream(message.WithTrace(bytes), writable: false)
                    : await RedirectContentAsync(transaction, sent, check, message.ReversePath, message.Recipient).ConfigureAwait(false);
                await SenderNotifier.SendAsync(_context, _context.OutboundQueue, _logger, messageId, message.ReversePath, message.Recipient, content, _connection.Aborted).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The copies are stored and acknowledged; a reply or redirect that cannot be sent is reported, not retried.
                FilterLog.SendFailed(_logger, ex, messageId, target.UserId, message.Recipient);
            }
        }
    }

    /// <summary>A reason from a script as reply text: one line of printable ASCII, bounded (RFC 5321 §4.2).</summary>
    private static string ReplyText(string reason)
    {
        var sb = new StringBuilder(Math.Min(reason.Length, 200));
        foreach (var c in reason)
        {
            if (sb.Length == 200)
            {
                break;
            }

            sb.Append(c is >= ' ' and <= '~' ? c : c is '\r' or '\n' or '\t' ? ' ' : '?');
        }

        return sb.ToString().Trim() is { Length: > 0 } text ? text : "Message refused by the recipient's rules";
    }
}
