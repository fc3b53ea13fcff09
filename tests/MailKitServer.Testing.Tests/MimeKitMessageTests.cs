using MailKit.Net.Smtp;
using MimeKit;

namespace MailKitServer.Testing.Tests;

/// <summary>What a test gets back when an application sends with MailKit: the same message as a MimeKit <see cref="MimeMessage"/>.</summary>
public class MimeKitMessageTests
{
    [Fact]
    public async Task A_message_sent_with_mailkit_comes_back_as_a_mimemessage_with_names_inline_parts_and_attachments()
    {
        await using var mail = await MailSandbox.StartAsync();
        var sent = new MimeMessage();
        sent.From.Add(new MailboxAddress("Shop Ltd", "shop@app.test"));
        sent.To.Add(new MailboxAddress("Carol Customer", "carol@customer.test"));
        sent.Cc.Add(new MailboxAddress("Zoë Ops", "ops@app.test"));
        sent.Subject = "Your invoice — Grüße";
        var body = new BodyBuilder { TextBody = "Invoice attached.\n" };
        var logo = body.LinkedResources.Add("logo.png", [0x89, 0x50, 0x4E, 0x47], new ContentType("image", "png"));
        logo.ContentId = "logo@app.test";
        body.HtmlBody = "<p>Invoice attached.</p><img src=\"cid:logo@app.test\">";
        body.Attachments.Add("invoice.pdf", [1, 2, 3, 0, 255], new ContentType("application", "pdf"));
        sent.Body = body.ToMessageBody();

        using (var client = new SmtpClient())
        {
            await client.ConnectAsync(mail.Host, mail.SmtpPort, MailKit.Security.SecureSocketOptions.None);
            await client.SendAsync(sent);
            await client.DisconnectAsync(true);
        }

        var received = await mail.WaitForMessageAsync();
        Assert.Equal(sent.MessageId, received.MessageId);
        Assert.Equal(sent.MessageId, received.MimeMessage.MessageId);
        Assert.Equal("Your invoice — Grüße", received.Subject);
        Assert.Equal(("Shop Ltd", "shop@app.test"), (received.From.Mailboxes.Single().Name, received.From.Mailboxes.Single().Address));
        Assert.Equal("Carol Customer", received.To.Mailboxes.Single().Name);
        Assert.Equal("Zoë Ops", received.Cc.Mailboxes.Single().Name);
        Assert.Equal(sent.Date.ToUnixTimeSeconds(), received.Date?.ToUnixTimeSeconds());
        Assert.Equal("Invoice attached.", received.TextBody?.TrimEnd());
        Assert.Contains("cid:logo@app.test", received.HtmlBody, StringComparison.Ordinal);
        Assert.Contains(received.Headers, h => h.Field == "Received");

        var inline = Assert.Single(received.Attachments, a => a.IsInline);
        Assert.Equal(("logo.png", "image/png", "logo@app.test"), (inline.FileName, inline.ContentType, inline.ContentId));
        Assert.Equal([0x89, 0x50, 0x4E, 0x47], inline.Content);
        var pdf = Assert.Single(received.Attachments, a => !a.IsInline);
        Assert.Equal(("invoice.pdf", "application/pdf"), (pdf.FileName, pdf.ContentType));
        Assert.Equal([1, 2, 3, 0, 255], pdf.Content);
        Assert.Equal(["invoice.pdf"], received.MimeMessage.Attachments.Select(a => a.ContentDisposition?.FileName));
    }

    [Fact]
    public async Task A_message_without_date_or_message_id_gives_nulls_and_the_raw_octets_stay_as_stored()
    {
        await using var mail = await MailSandbox.StartAsync();
        var result = await MailKitServer.TestSupport.ExternalTool.PythonAsync(
            """
            import smtplib, sys
            with smtplib.SMTP('127.0.0.1', int(sys.argv[1])) as s:
                s.sendmail('a@app.test', ['b@app.test'], b'From: a@app.test\r\nSubject: bare\r\n\r\nno date, no id\r\n')
            """, mail.SmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(result.ExitCode == 0, result.ToString());
        var received = await mail.WaitForMessageAsync();
        Assert.Null(received.Date);
        Assert.Null(received.MessageId);
        Assert.Equal("no date, no id", received.TextBody?.TrimEnd());
        Assert.EndsWith("Subject: bare\r\n\r\nno date, no id\r\n", received.ToString(), StringComparison.Ordinal);
    }
}
