#pragma warning disable SYSLIB0014 // System.Net.Mail.SmtpClient is what many applications still use: the sandbox must work with it.
using System.Globalization;
using System.Net.Mail;
using System.Text;
using MailKitServer.TestSupport;
using MailKitServer.Testing.Faults;

namespace MailKitServer.Testing.Tests;

/// <summary>The sandbox with the BCL's SmtpClient, Python's smtplib/imaplib/poplib, and its faults.</summary>
public class MailSandboxTests
{
    private static SmtpClient Client(MailSandbox mail) => new(mail.Host, mail.SmtpPort) { DeliveryMethod = SmtpDeliveryMethod.Network, Timeout = 10_000 };

    [Fact]
    public async Task Waits_for_a_message_and_gives_it_parsed_with_bcc_visible_in_the_envelope()
    {
        await using var mail = await MailSandbox.StartAsync();
        using var client = Client(mail);
        using var message = new MailMessage("shop@app.test", "carol@customer.test") { Subject = "Grüße — your order" };
        message.Bcc.Add("audit@app.test");
        message.AlternateViews.Add(AlternateView.CreateAlternateViewFromString("Thanks! Order 42.", Encoding.UTF8, "text/plain"));
        message.AlternateViews.Add(AlternateView.CreateAlternateViewFromString("<p>Thanks!</p>", Encoding.UTF8, "text/html"));
        message.Attachments.Add(new Attachment(new MemoryStream([1, 2, 3, 0, 255]), "invoice.pdf", "application/pdf"));
        var waiting = mail.WaitForMessageAsync(m => m.EnvelopeRecipients.Contains("audit@app.test"));
        await client.SendMailAsync(message);

        var received = await waiting;
        Assert.Equal("shop@app.test", received.EnvelopeSender);
        Assert.Equal(["carol@customer.test", "audit@app.test"], received.EnvelopeRecipients.Order(StringComparer.Ordinal).Reverse());
        Assert.Equal("Grüße — your order", received.Subject);
        Assert.Equal(["carol@customer.test"], received.To.Mailboxes.Select(m => m.Address));
        Assert.Same(received.MimeMessage.To, received.To);
        Assert.DoesNotContain("audit@app.test", received.ToString(), StringComparison.Ordinal);
        Assert.Equal("Thanks! Order 42.", received.TextBody);
        Assert.Contains("<p>Thanks!</p>", received.HtmlBody, StringComparison.Ordinal);
        var pdf = Assert.Single(received.Attachments);
        Assert.Equal(("invoice.pdf", "application/pdf"), (pdf.FileName, pdf.ContentType));
        Assert.Equal([1, 2, 3, 0, 255], pdf.Content);
        Assert.Single(mail.Messages);
    }

    [Fact]
    public async Task A_timeout_names_what_did_arrive()
    {
        await using var mail = await MailSandbox.StartAsync();
        using var client = Client(mail);
        await client.SendMailAsync(new MailMessage("a@app.test", "b@app.test", "first", "x"));
        var ex = await Assert.ThrowsAsync<TimeoutException>(() => mail.WaitForMessageAsync(m => m.Subject == "second", TimeSpan.FromMilliseconds(200)));
        Assert.Contains("\"first\"", ex.Message, StringComparison.Ordinal);
        Assert.Equal(2, (await Task.WhenAll(
            client.SendMailAsync(new MailMessage("a@app.test", "b@app.test", "second", "x")).ContinueWith(_ => mail.WaitForMessagesAsync(2)).Unwrap())).Single().Count);
    }

    [Fact]
    public async Task Greylisting_makes_the_first_try_fail_and_the_retry_succeed()
    {
        await using var mail = await MailSandbox.StartAsync();
        mail.Faults.Greylist();
        using var client = Client(mail);
        var first = await Assert.ThrowsAnyAsync<SmtpException>(() => client.SendMailAsync(new MailMessage("a@app.test", "b@app.test", "hello", "x")));
        Assert.Equal(SmtpStatusCode.LocalErrorInProcessing, first.StatusCode); // 451
        Assert.Contains("Greylisted", first.Message, StringComparison.Ordinal);
        await client.SendMailAsync(new MailMessage("a@app.test", "b@app.test", "hello", "x"));
        Assert.Equal("hello", (await mail.WaitForMessageAsync()).Subject);
    }

    [Theory]
    [InlineData(SmtpStage.MailFrom)]
    [InlineData(SmtpStage.Data)]
    public async Task Refusals_and_drops_are_seen_by_the_sender_and_nothing_is_stored(SmtpStage stage)
    {
        await using var mail = await MailSandbox.StartAsync();
        using var client = Client(mail);
        mail.Faults.Refuse(stage, 554, "5.7.1 Not today");
        var refused = await Assert.ThrowsAnyAsync<SmtpException>(() => client.SendMailAsync(new MailMessage("a@app.test", "b@app.test", "refused", "x")));
        Assert.Contains("Not today", refused.Message, StringComparison.Ordinal);
        mail.Faults.Drop(stage);
        using var second = Client(mail);
        await Assert.ThrowsAnyAsync<SmtpException>(() => second.SendMailAsync(new MailMessage("a@app.test", "b@app.test", "dropped", "x")));
        using var third = Client(mail);
        await third.SendMailAsync(new MailMessage("a@app.test", "b@app.test", "delivered", "x"));
        Assert.Equal("delivered", Assert.Single(await mail.WaitForMessagesAsync(1)).Subject);
        Assert.All(mail.Faults.Armed, f => Assert.Equal(1, f.Fired));
    }

    [Fact]
    public async Task Dropping_after_storing_shows_a_failure_to_the_sender_and_keeps_the_message()
    {
        await using var mail = await MailSandbox.StartAsync();
        mail.Faults.DropAfterStoring();
        using var client = Client(mail);
        await Assert.ThrowsAnyAsync<SmtpException>(() => client.SendMailAsync(new MailMessage("a@app.test", "b@app.test", "kept", "x")));
        Assert.Equal("kept", (await mail.WaitForMessageAsync()).Subject);
        using var retry = Client(mail);
        await retry.SendMailAsync(new MailMessage("a@app.test", "b@app.test", "kept", "x"));
        Assert.Equal(2, (await mail.WaitForMessagesAsync(2, m => m.Subject == "kept")).Count); // the sender's retry made a duplicate
    }

    [Fact]
    public async Task One_recipient_can_be_refused_while_the_others_get_the_message()
    {
        await using var mail = await MailSandbox.StartAsync();
        mail.Faults.Refuse(SmtpStage.RcptTo, 550, "5.1.1 No such user", times: -1, recipient: "gone@app.test");
        var r = await ExternalTool.PythonAsync("""
            import smtplib, sys
            with smtplib.SMTP("127.0.0.1", int(sys.argv[1])) as s:
                refused = s.sendmail("a@app.test", ["gone@app.test", "here@app.test"], b"Subject: partial\r\n\r\nbody\r\n")
                assert list(refused) == ["gone@app.test"] and refused["gone@app.test"][0] == 550, refused
            print("ok")
            """, mail.SmtpPort.ToString(CultureInfo.InvariantCulture));
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(["here@app.test"], (await mail.WaitForMessageAsync()).EnvelopeRecipients);
    }

    [Fact]
    public async Task Users_read_over_imap_and_pop3_including_preloaded_mail_and_purge_empties_everything()
    {
        await using var mail = await MailSandbox.StartAsync();
        mail.AddUser("bob@app.test", "bob-pw");
        await mail.PreloadAsync("bob@app.test", new MemoryStream("Subject: preloaded\r\n\r\nfrom an eml\r\n"u8.ToArray()));
        await mail.PreloadAsync("bob@app.test", new MemoryStream("Subject: archived\r\n\r\nold\r\n"u8.ToArray()), "Archive");
        using (var client = Client(mail))
        {
            await client.SendMailAsync(new MailMessage("a@app.test", "bob@app.test", "sent", "fresh"));
        }

        await mail.WaitForMessageAsync();
        var script = """
            import imaplib, poplib, sys
            m = imaplib.IMAP4("127.0.0.1", int(sys.argv[1])); m.login("bob@app.test", "bob-pw")
            typ, data = m.select("INBOX"); count = int(data[0])
            subjects = []
            if count:
                typ, data = m.fetch("1:*", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
                subjects = sorted(x[1].decode().strip() for x in data if isinstance(x, tuple))
            typ, data = m.status("Archive", "(MESSAGES)")
            m.logout()
            p = poplib.POP3("127.0.0.1", int(sys.argv[2])); p.user("bob@app.test"); p.pass_("bob-pw")
            print(count, subjects, data[0].decode(), p.stat()[0]); p.quit()
            """;
        var r = await ExternalTool.PythonAsync(script, mail.ImapPort.ToString(CultureInfo.InvariantCulture), mail.Pop3Port.ToString(CultureInfo.InvariantCulture));
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("2 ['Subject: preloaded', 'Subject: sent'] \"Archive\" (MESSAGES 1) 2", r.Stdout, StringComparison.Ordinal);

        await mail.PurgeAsync();
        Assert.Empty(mail.Messages);
        var after = await ExternalTool.PythonAsync(script, mail.ImapPort.ToString(CultureInfo.InvariantCulture), mail.Pop3Port.ToString(CultureInfo.InvariantCulture));
        Assert.Contains("0 [] \"Archive\" (MESSAGES 0) 0", after.Stdout + after.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tls_uses_a_certificate_the_test_can_pin()
    {
        await using var mail = await MailSandbox.StartAsync();
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(mail.Host, mail.SmtpsPort);
        await using var ssl = new System.Net.Security.SslStream(tcp.GetStream(), false, mail.TrustSandboxCertificate);
        await ssl.AuthenticateAsClientAsync("localhost");
        Assert.Equal(mail.CertificateThumbprint, ssl.RemoteCertificate!.GetCertHashString());
        var buffer = new byte[256];
        var n = await ssl.ReadAsync(buffer);
        Assert.StartsWith("220 localhost", Encoding.ASCII.GetString(buffer, 0, n), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sandboxes_run_side_by_side_without_sharing_anything()
    {
        var sandboxes = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => MailSandbox.StartAsync()));
        try
        {
            Assert.Equal(4, sandboxes.Select(s => s.SmtpPort).Distinct().Count());
            await Task.WhenAll(sandboxes.Select(async (s, i) =>
            {
                using var client = Client(s);
                await client.SendMailAsync(new MailMessage("a@app.test", "b@app.test", $"to sandbox {i}", "x"));
            }));
            for (var i = 0; i < 4; i++)
            {
                Assert.Equal($"to sandbox {i}", (await sandboxes[i].WaitForMessageAsync()).Subject);
                Assert.Single(sandboxes[i].Messages);
            }
        }
        finally
        {
            foreach (var s in sandboxes)
            {
                await s.DisposeAsync();
            }
        }
    }
}
