using System.Security.Cryptography;
using System.Text;
using MailKitServer.Sieve.Execution;
using MimeKit;
using MimeKit.Utils;

namespace MailKitServer.Sieve.Delivery;

/// <summary>
/// Whether a vacation reply may go (RFC 5230 §4.5–§4.6 and RFC 3834 §2: never to the null sender, list or bulk
/// mail, other auto-replies, system senders, or mail not addressed to the user), the reply's key for the
/// once-per-period record (§4.2), and the reply itself (§5; <c>Auto-Submitted: auto-replied</c>, RFC 3834 §5).
/// </summary>
internal static class VacationResponder
{
    private static readonly string[] ListHeaders = ["List-Id", "List-Help", "List-Unsubscribe", "List-Subscribe", "List-Post", "List-Owner", "List-Archive"];
    private static readonly string[] RecipientHeaders = ["To", "Cc", "Bcc", "Resent-To", "Resent-Cc", "Resent-Bcc"];

    /// <summary>Why no reply may go, or <see langword="null"/> when one may.</summary>
    /// <param name="message">The received message.</param>
    /// <param name="sender">The envelope sender.</param>
    /// <param name="recipient">The envelope recipient (the user).</param>
    /// <param name="vacation">The action's arguments.</param>
    /// <returns>The reason not to reply.</returns>
    public static string? Refusal(SieveMessage message, string sender, string recipient, SieveVacation vacation)
    {
        if (sender.Length == 0)
        {
            return "the sender is the null reverse-path";
        }

        var local = sender[..Math.Max(0, sender.LastIndexOf('@'))];
        if (local.Equals("MAILER-DAEMON", StringComparison.OrdinalIgnoreCase) || local.StartsWith("owner-", StringComparison.OrdinalIgnoreCase) || local.EndsWith("-request", StringComparison.OrdinalIgnoreCase) || local.Equals("LISTSERV", StringComparison.OrdinalIgnoreCase) || local.Equals("majordomo", StringComparison.OrdinalIgnoreCase))
        {
            // RFC 5230 §4.6: system and list addresses get no reply.
            return "the sender is a system or list address";
        }

        if (message.HeaderValues("Auto-Submitted").Any(v => !v.Trim().StartsWith("no", StringComparison.OrdinalIgnoreCase)))
        {
            // RFC 3834 §2: never reply to an automatic message.
            return "the message is auto-submitted";
        }

        if (message.HeaderValues("Precedence").Any(v => v.Trim() is var p && (p.Equals("bulk", StringComparison.OrdinalIgnoreCase) || p.Equals("list", StringComparison.OrdinalIgnoreCase) || p.Equals("junk", StringComparison.OrdinalIgnoreCase))))
        {
            return "the message is bulk or list mail";
        }

        if (ListHeaders.Any(h => message.HeaderValues(h).Count > 0))
        {
            return "the message came through a mailing list";
        }

        var mine = UserAddresses(recipient, vacation);
        if (mine.Contains(sender))
        {
            return "the sender is the user";
        }

        var addressed = RecipientHeaders.SelectMany(message.HeaderValues)
            .SelectMany(v => InternetAddressList.TryParse(v, out var list) ? list.Mailboxes.Select(m => m.Address) : [])
            .Any(mine.Contains);
        return addressed ? null : "the user's address is not in To, Cc or Bcc (RFC 5230 §4.5)";
    }

    /// <summary>The key of the once-per-period record: the sender and the handle (RFC 5230 §4.2), hashed.</summary>
    /// <param name="sender">The envelope sender.</param>
    /// <param name="vacation">The action's arguments.</param>
    /// <returns>Hexadecimal key.</returns>
    public static string Key(string sender, SieveVacation vacation)
    {
        // Without :handle the reason, subject, from and mime flag make the handle.
        var handle = vacation.Handle ?? $"{vacation.Reason}\0{vacation.Subject}\0{vacation.From}\0{vacation.Mime}";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sender.ToLowerInvariant() + "\0" + handle)));
    }

    /// <summary>Composes the reply.</summary>
    /// <param name="message">The received message.</param>
    /// <param name="sender">The envelope sender (the reply's recipient).</param>
    /// <param name="recipient">The envelope recipient (the reply's default From).</param>
    /// <param name="vacation">The action's arguments.</param>
    /// <param name="now">The date.</param>
    /// <returns>The reply, CRLF line endings.</returns>
    public static byte[] Compose(SieveMessage message, string sender, string recipient, SieveVacation vacation, DateTimeOffset now)
    {
        var reply = new MimeMessage();
        reply.From.Add(vacation.From is { } from && InternetAddressList.TryParse(from, out var fromList) && fromList.Mailboxes.Any() ? fromList.Mailboxes.First() : MailboxAddress.Parse(recipient));
        reply.To.Add(MailboxAddress.Parse(sender));

        // RFC 5230 §5.3: without :subject, "Auto:" and the original subject.
        reply.Subject = vacation.Subject ?? "Auto: " + (message.Mime.Subject ?? string.Empty);
        reply.Date = now;
        reply.MessageId = MimeUtils.GenerateMessageId(reply.From.Mailboxes.First().Domain);
        if (message.Mime.MessageId is { } original)
        {
            // RFC 5230 §5.8 / RFC 3834 §3.1.5: thread the reply.
            reply.InReplyTo = original;
            foreach (var reference in message.Mime.References)
            {
                reply.References.Add(reference);
            }

            reply.References.Add(original);
        }

        // RFC 3834 §5: mark the reply so that other responders do not answer it.
        reply.Headers.Add("Auto-Submitted", "auto-replied (vacation)");
        reply.Body = vacation.Mime ? ParseEntity(vacation.Reason) : new TextPart("plain") { Text = vacation.Reason };
        using var stream = new MemoryStream();
        reply.WriteTo(new FormatOptions { NewLineFormat = NewLineFormat.Dos }, stream);
        return stream.ToArray();
    }

    private static MimeEntity ParseEntity(string text)
    {
        // RFC 5230 §4.4 (:mime): the reason is a MIME entity, headers and body.
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(text));
        try
        {
            return MimeEntity.Load(stream);
        }
        catch (FormatException)
        {
            return new TextPart("plain") { Text = text };
        }
    }

    private static HashSet<string> UserAddresses(string recipient, SieveVacation vacation)
    {
        var set = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { recipient };
        var at = recipient.LastIndexOf('@');
        var plus = recipient.IndexOf(AddressParts.Separator, StringComparison.Ordinal);
        if (at > 0 && plus > 0 && plus < at)
        {
            set.Add(recipient[..plus] + recipient[at..]);
        }

        foreach (var address in vacation.Addresses)
        {
            set.Add(address);
        }

        if (vacation.From is { } from && InternetAddressList.TryParse(from, out var list))
        {
            foreach (var m in list.Mailboxes)
            {
                set.Add(m.Address);
            }
        }

        return set;
    }
}
