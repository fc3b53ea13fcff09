using MailKitServer.Testing;
using MailKitServer.Testing.Faults;
using PasswordReset;

namespace PasswordReset.Tests;

public class PasswordResetTests
{
    [Fact]
    public async Task The_reset_mail_reaches_the_user_with_a_working_link()
    {
        await using var mail = await MailSandbox.StartAsync();
        var mailer = new PasswordResetMailer(mail.Host, mail.SmtpPort);

        await mailer.SendResetLinkAsync("bob@customer.test", "t0k3n/42");

        var message = await mail.WaitForMessageAsync(m => m.EnvelopeRecipients.Contains("bob@customer.test"));
        Assert.Equal("Reset your password", message.Subject);
        Assert.Contains("https://shop.test/reset?token=t0k3n%2F42", message.TextBody);
        Assert.Contains("href=\"https://shop.test/reset?token=t0k3n%2F42\"", message.HtmlBody);
    }

    [Fact]
    public async Task A_temporary_failure_is_retried()
    {
        await using var mail = await MailSandbox.StartAsync();
        mail.Faults.Refuse(SmtpStage.MailFrom, 451, "4.3.0 Try again later", times: 2);
        var mailer = new PasswordResetMailer(mail.Host, mail.SmtpPort, retryDelay: TimeSpan.FromMilliseconds(50));

        var attempts = await mailer.SendResetLinkAsync("bob@customer.test", "abc");

        Assert.Equal(3, attempts);
        Assert.Single(await mail.WaitForMessagesAsync(1));
    }

    [Fact]
    public async Task A_permanent_failure_is_not_retried()
    {
        await using var mail = await MailSandbox.StartAsync();
        mail.Faults.Refuse(SmtpStage.RcptTo, 550, "5.1.1 No such user", times: -1);
        var mailer = new PasswordResetMailer(mail.Host, mail.SmtpPort, retryDelay: TimeSpan.FromMilliseconds(50));

        await Assert.ThrowsAnyAsync<System.Net.Mail.SmtpException>(() => mailer.SendResetLinkAsync("gone@customer.test", "abc"));
        Assert.Equal(1, mail.Faults.Armed[0].Fired);
        Assert.Empty(mail.Messages);
    }
}
