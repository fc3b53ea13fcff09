using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Smtp;
using MailKit.Security;
using MailKitServer.Delivery;
using MailKitServer.Dns;
using MailKitServer.Policy;
using MailKitServer.Runtime;
using MailKitServer.Storage;
using MailKitServer.Testing;
using MailKitServer.Testing.Faults;
using MailKitServer.Users;
using MimeKit;

namespace PasswordReset.Tests;

/// <summary>
/// An application's test file that imports MimeKit, MailKit and MailKitServer's namespaces together: names both
/// sides could share (MailKit's MessageFlags and SaslMechanism, MimeKit's MailboxAddress) resolve without
/// qualification, and the received message is asserted on as the MimeMessage the application built.
/// </summary>
public class ConsumerNamespacesTests
{
    [Fact]
    public async Task Mail_sent_with_MailKit_comes_back_as_a_MimeMessage_and_over_IMAP()
    {
        await using var mail = await MailSandbox.StartAsync();
        mail.AddUser("carol@customer.test", "carol-pw");
        var sent = new MimeMessage();
        sent.From.Add(new MailboxAddress("Shop Support", "support@shop.test"));
        sent.To.Add(new MailboxAddress("Carol Example", "carol@customer.test"));
        sent.Subject = "Your invoice";
        var body = new BodyBuilder { TextBody = "Invoice attached." };
        body.Attachments.Add("invoice.pdf", "%PDF-1.4 not really"u8.ToArray(), new ContentType("application", "pdf"));
        sent.Body = body.ToMessageBody();

        using (var smtp = new SmtpClient())
        {
            await smtp.ConnectAsync(mail.Host, mail.SubmissionPort, SecureSocketOptions.None);
            SaslMechanism plain = new SaslMechanismPlain("carol@customer.test", "carol-pw");
            await smtp.AuthenticateAsync(plain);
            await smtp.SendAsync(sent);
            await smtp.DisconnectAsync(true);
        }

        var message = await mail.WaitForMessageAsync(m => m.EnvelopeRecipients.Contains("carol@customer.test"));
        Assert.Equal("Your invoice", message.MimeMessage.Subject);
        Assert.Equal(sent.MessageId, message.MimeMessage.MessageId);
        Assert.Equal("Shop Support", message.MimeMessage.From.Mailboxes.Single().Name);
        Assert.Equal("Carol Example", message.MimeMessage.To.Mailboxes.Single().Name);
        Assert.Equal("Invoice attached.", message.MimeMessage.TextBody?.TrimEnd());
        var attachment = Assert.IsType<MimePart>(message.MimeMessage.Attachments.Single());
        Assert.Equal("invoice.pdf", attachment.FileName);
        Assert.Equal("application/pdf", attachment.ContentType.MimeType);

        using var imap = new ImapClient();
        await imap.ConnectAsync(mail.Host, mail.ImapPort, SecureSocketOptions.None);
        await imap.AuthenticateAsync("carol@customer.test", "carol-pw");
        await imap.Inbox.OpenAsync(FolderAccess.ReadWrite);
        await imap.Inbox.AddFlagsAsync(0, MessageFlags.Flagged, silent: true);
        var summary = (await imap.Inbox.FetchAsync(0, 0, MessageSummaryItems.Flags | MessageSummaryItems.Envelope)).Single();
        Assert.True(summary.Flags!.Value.HasFlag(MessageFlags.Flagged));
        Assert.Equal("Your invoice", summary.Envelope?.Subject);
        await imap.DisconnectAsync(true);
    }
}
