using MailKitServer.Testing;

namespace PasswordReset.Tests;

public sealed class SharedSandboxTests(SandboxFixture fixture) : IClassFixture<SandboxFixture>, IAsyncLifetime
{
    private MailSandbox Mail => fixture.Mail;

    public Task InitializeAsync() => Mail.PurgeAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Each_reset_mail_carries_its_own_token()
    {
        var mailer = new PasswordResetMailer(Mail.Host, Mail.SmtpPort);
        await mailer.SendResetLinkAsync("bob@customer.test", "first");
        await mailer.SendResetLinkAsync("bob@customer.test", "second");

        var messages = await Mail.WaitForMessagesAsync(2);
        Assert.Contains("token=first", messages[0].TextBody);
        Assert.Contains("token=second", messages[1].TextBody);
    }

    [Fact]
    public async Task The_mail_goes_out_over_authenticated_submission_too()
    {
        var mailer = new PasswordResetMailer(Mail.Host, Mail.SubmissionPort, new System.Net.NetworkCredential("bob@customer.test", "bob-pw"));
        await mailer.SendResetLinkAsync("bob@customer.test", "via-submission");

        var message = await Mail.WaitForMessageAsync();
        Assert.Contains("token=via-submission", message.TextBody);
        Assert.Contains(message.Headers, h => h.Field == "Received" && h.Value.Contains("ESMTPA", StringComparison.Ordinal));
    }
}
