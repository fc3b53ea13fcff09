using System.Text;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MailKitServer.TestSupport;
using MimeKit;

namespace MailKitServer.Interop.Tests.Smtp;

/// <summary>MailKit's SmtpClient, the .NET client applications use, against our SMTP, submission and SMTPS endpoints.</summary>
public class MailKitSmtpClientTests
{
    private static MimeMessage Message(string from, string to, string subject, string text = "Hello from MailKit.\n")
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = text };
        return message;
    }

    private static SmtpClient Client(Stream log) => new(new ProtocolLogger(log, leaveOpen: true)) { ServerCertificateValidationCallback = (_, _, _, _) => true };

    private static async Task<string> InboxTextAsync(TestMailServer server, string user) =>
        Encoding.UTF8.GetString(Assert.Single(await server.InboxAsync(user)));

    [Fact]
    public async Task Starttls_with_scram_sha_256_on_submission()
    {
        await using var server = await TestMailServer.StartAsync(insecureAuth: false);
        using var log = new MemoryStream();
        using var client = Client(log);
        await client.ConnectAsync("127.0.0.1", server.Submission.Port, SecureSocketOptions.StartTls);
        Assert.True(client.IsSecure);
        Assert.Contains("SCRAM-SHA-256", client.AuthenticationMechanisms);
        client.AuthenticationMechanisms.IntersectWith(["SCRAM-SHA-256"]);
        await client.AuthenticateAsync("alice@example.test", "alice-pw");
        await client.SendAsync(Message("alice@example.test", "bob@example.test", "over STARTTLS"));
        await client.DisconnectAsync(true);

        Assert.Contains("AUTH SCRAM-SHA-256", Encoding.UTF8.GetString(log.ToArray()), StringComparison.Ordinal);
        Assert.Contains("Subject: over STARTTLS", await InboxTextAsync(server, "bob@example.test"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Smtps_with_auth_plain_and_a_wrong_password_refused()
    {
        await using var server = await TestMailServer.StartAsync(insecureAuth: false);
        using var log = new MemoryStream();
        using var client = Client(log);
        await client.ConnectAsync("127.0.0.1", server.Smtps.Port, SecureSocketOptions.SslOnConnect);
        client.AuthenticationMechanisms.IntersectWith(["PLAIN"]);
        await Assert.ThrowsAsync<AuthenticationException>(() => client.AuthenticateAsync("alice@example.test", "wrong"));
        await client.AuthenticateAsync("alice@example.test", "alice-pw");
        await client.SendAsync(Message("alice@example.test", "bob@example.test", "over SMTPS"));
        await client.DisconnectAsync(true);
        Assert.Contains("Subject: over SMTPS", await InboxTextAsync(server, "bob@example.test"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Smtputf8_addresses_and_headers_arrive_unchanged()
    {
        await using var server = await TestMailServer.StartAsync();
        server.Directory.AddUser("jörg@example.test", "pw");
        using var log = new MemoryStream();
        using var client = Client(log);
        await client.ConnectAsync("127.0.0.1", server.Smtp.Port, SecureSocketOptions.None);
        Assert.True(client.Capabilities.HasFlag(SmtpCapabilities.UTF8));
        var message = Message("zoë@remote.test", "jörg@example.test", "Grüße");
        await client.SendAsync(new FormatOptions { International = true }, message);
        await client.DisconnectAsync(true);

        var transcript = Encoding.UTF8.GetString(log.ToArray());
        Assert.Contains("MAIL FROM:<zoë@remote.test> SMTPUTF8", transcript, StringComparison.Ordinal);
        var stored = await InboxTextAsync(server, "jörg@example.test");
        Assert.Contains("From: zoë@remote.test", stored, StringComparison.Ordinal);
    }

    private sealed class DsnClient(Stream log) : SmtpClient(new ProtocolLogger(log, leaveOpen: true))
    {
        protected override DeliveryStatusNotification? GetDeliveryStatusNotifications(MimeMessage message, MailboxAddress mailbox) =>
            DeliveryStatusNotification.Failure | DeliveryStatusNotification.Delay;

        protected override string GetEnvelopeId(MimeMessage message) => "env-mailkit-1";
    }

    [Fact]
    public async Task Dsn_options_and_bdat_chunks_are_accepted()
    {
        await using var server = await TestMailServer.StartAsync();
        using var log = new MemoryStream();
        using var client = new DsnClient(log);
        await client.ConnectAsync("127.0.0.1", server.Smtp.Port, SecureSocketOptions.None);
        Assert.True(client.Capabilities.HasFlag(SmtpCapabilities.Dsn));
        Assert.True(client.Capabilities.HasFlag(SmtpCapabilities.Chunking));
        client.DeliveryStatusNotificationType = DeliveryStatusNotificationType.HeadersOnly;
        var body = new BodyBuilder { TextBody = "see attachment\n" };
        var data = body.Attachments.Add("data.bin", Enumerable.Range(0, 70_000).Select(i => (byte)i).ToArray());

        // A binary part needs BINARYMIME (RFC 3030), which only BDAT can carry: MailKit then sends BDAT chunks.
        ((MimePart)data).ContentTransferEncoding = ContentEncoding.Binary;
        var message = Message("sender@remote.test", "alice@example.test", "dsn and bdat");
        message.Body = body.ToMessageBody();
        await client.SendAsync(message);
        await client.DisconnectAsync(true);

        var transcript = Encoding.UTF8.GetString(log.ToArray());
        var mail = transcript.Split('\n').Single(l => l.StartsWith("C: MAIL FROM:", StringComparison.Ordinal));
        Assert.Contains(" RET=HDRS", mail, StringComparison.Ordinal);
        Assert.Contains(" ENVID=env-mailkit-1", mail, StringComparison.Ordinal);
        Assert.Contains("NOTIFY=FAILURE,DELAY", transcript, StringComparison.Ordinal);
        Assert.Contains(" BODY=BINARYMIME", mail, StringComparison.Ordinal);
        Assert.Contains("C: BDAT ", transcript, StringComparison.Ordinal);
        var stored = MimeMessage.Load(new MemoryStream(Assert.Single(await server.InboxAsync("alice@example.test"))));
        using var decoded = new MemoryStream();
        ((MimePart)stored.Attachments.Single()).Content!.DecodeTo(decoded);
        Assert.Equal(Enumerable.Range(0, 70_000).Select(i => (byte)i).ToArray(), decoded.ToArray());
    }

    /// <summary>A compliance hook in a few lines of MimeKit: refuse executables, and mail whose subject shouts.</summary>
    private sealed class AttachmentPolicy : MailKitServer.Policy.DeliveryPolicy
    {
        public override async ValueTask<MailKitServer.Policy.PolicyVerdict> OnMessageAsync(MailKitServer.Policy.SessionInfo session, MailKitServer.Policy.MessageCheckRequest request, CancellationToken cancellationToken)
        {
            var headers = await request.LoadHeadersAsync(cancellationToken);
            if (headers[HeaderId.Subject]?.Contains("FREE MONEY", StringComparison.Ordinal) == true)
            {
                return MailKitServer.Policy.PolicyVerdict.Reject(new MailKitServer.Replies.SmtpReply(550, "5.7.1", "Looks like spam"));
            }

            var message = await request.LoadMessageAsync(cancellationToken);
            return message.Attachments.Any(a => a.ContentDisposition?.FileName?.EndsWith(".exe", StringComparison.OrdinalIgnoreCase) == true)
                ? MailKitServer.Policy.PolicyVerdict.Reject(new MailKitServer.Replies.SmtpReply(554, "5.7.1", "Executable attachments are refused"))
                : MailKitServer.Policy.PolicyVerdict.Accept;
        }
    }

    [Fact]
    public async Task A_delivery_policy_reads_the_message_as_a_mimemessage()
    {
        await using var server = await TestMailServer.StartAsync(configure: b => b.UsePolicy(new AttachmentPolicy()));
        using var log = new MemoryStream();
        using var client = Client(log);
        await client.ConnectAsync("127.0.0.1", server.Smtp.Port, SecureSocketOptions.None);

        var shout = Message("sender@remote.test", "alice@example.test", "FREE MONEY inside");
        var spam = await Assert.ThrowsAsync<SmtpCommandException>(() => client.SendAsync(shout));
        Assert.Equal((SmtpStatusCode)550, spam.StatusCode);

        var exe = Message("sender@remote.test", "alice@example.test", "tool");
        var body = new BodyBuilder { TextBody = "run me" };
        body.Attachments.Add("setup.exe", [0x4D, 0x5A, 0x90, 0x00]);
        exe.Body = body.ToMessageBody();
        var refused = await Assert.ThrowsAsync<SmtpCommandException>(() => client.SendAsync(exe));
        Assert.Contains("Executable attachments are refused", refused.Message, StringComparison.Ordinal);

        await client.SendAsync(Message("sender@remote.test", "alice@example.test", "a normal message"));
        await client.DisconnectAsync(true);
        Assert.Contains("Subject: a normal message", await InboxTextAsync(server, "alice@example.test"), StringComparison.Ordinal);
    }
}
