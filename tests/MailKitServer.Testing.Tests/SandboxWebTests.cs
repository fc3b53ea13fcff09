using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MailKit.Net.Smtp;
using MimeKit;

namespace MailKitServer.Testing.Tests;

public class SandboxWebTests
{
    private static MimeMessage Message(string to, string subject)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("app@sender.test"));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = "hello" };
        return message;
    }

    private static async Task SendAsync(MailSandbox sandbox, MimeMessage message)
    {
        using var client = new SmtpClient();
        await client.ConnectAsync(sandbox.Host, sandbox.SmtpPort, MailKit.Security.SecureSocketOptions.None);
        await client.SendAsync(message);
        await client.DisconnectAsync(true);
    }

    [Fact]
    public async Task The_sandbox_web_shows_every_captured_address_and_arms_faults_over_http()
    {
        await using var sandbox = await MailSandbox.StartAsync();
        await using var web = await sandbox.StartWebAsync();
        using var http = new HttpClient { BaseAddress = web.BaseAddress };

        // Any address receives in the sandbox; the API lists it without a user having been made.
        await SendAsync(sandbox, Message("someone@anywhere.test", "captured"));
        var page = await http.GetFromJsonAsync<JsonElement>("/api/v1/messages");
        Assert.Equal("captured", page.GetProperty("messages")[0].GetProperty("subject").GetString());
        Assert.Equal("someone@anywhere.test", page.GetProperty("messages")[0].GetProperty("user").GetString());

        // A refusal at RCPT TO, armed over HTTP, reaches the SMTP client; the list shows it fired.
        using (var armed = await http.PostAsJsonAsync("/api/v1/faults", new { kind = "refuse", stage = "RcptTo", code = 450, text = "4.2.1 Mailbox busy" }))
        {
            Assert.True(armed.IsSuccessStatusCode, await armed.Content.ReadAsStringAsync());
        }

        var refused = await Assert.ThrowsAsync<SmtpCommandException>(() => SendAsync(sandbox, Message("a@b.test", "refused")));
        Assert.Equal(450, (int)refused.StatusCode);
        var faults = await http.GetFromJsonAsync<JsonElement>("/api/v1/faults");
        Assert.Equal(1, faults[0].GetProperty("fired").GetInt32());
        Assert.Equal("450 4.2.1 Mailbox busy", faults[0].GetProperty("reply").GetString());

        // Chaos: probability 1 refuses every MAIL FROM; after DELETE nothing is armed and mail flows again.
        (await http.PostAsJsonAsync("/api/v1/faults", new { kind = "refuse", stage = "MailFrom", code = 421, text = "4.3.2 Chaos", probability = 1.0 })).EnsureSuccessStatusCode();
        for (var i = 0; i < 3; i++)
        {
            var chaos = await Assert.ThrowsAsync<SmtpCommandException>(() => SendAsync(sandbox, Message("a@b.test", "chaos")));
            Assert.Equal(421, (int)chaos.StatusCode);
        }

        Assert.Equal(HttpStatusCode.NoContent, (await http.DeleteAsync("/api/v1/faults")).StatusCode);
        Assert.Equal(0, (await http.GetFromJsonAsync<JsonElement>("/api/v1/faults")).GetArrayLength());
        await SendAsync(sandbox, Message("a@b.test", "flows"));
        await sandbox.WaitForMessageAsync(m => m.Subject == "flows");

        // Probability 0 never fires; bad requests are refused with a reason.
        (await http.PostAsJsonAsync("/api/v1/faults", new { kind = "refuse", stage = "MailFrom", probability = 0.0 })).EnsureSuccessStatusCode();
        await SendAsync(sandbox, Message("a@b.test", "spared"));
        await sandbox.WaitForMessageAsync(m => m.Subject == "spared");
        Assert.Equal(HttpStatusCode.BadRequest, (await http.PostAsJsonAsync("/api/v1/faults", new { kind = "refuse", stage = "MailFrom", probability = 1.5 })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await http.PostAsJsonAsync("/api/v1/faults", new { kind = "explode", stage = "MailFrom" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await http.PostAsJsonAsync("/api/v1/faults", new { kind = "refuse", stage = "Nowhere" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await http.PostAsJsonAsync("/api/v1/faults", new { kind = "refuse", stage = "Data", code = 250 })).StatusCode);
    }

    [Fact]
    public void Chaos_checks_its_probability()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Faults.FaultInjector(new Policy.DeliveryPolicy()).Chaos(Faults.SmtpStage.Data, double.NaN, 451, "x"));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Faults.FaultInjector(new Policy.DeliveryPolicy()).Chaos(Faults.SmtpStage.Data, -0.1, 451, "x"));
        Assert.Equal(0.25, new Faults.FaultInjector(new Policy.DeliveryPolicy()).Chaos(Faults.SmtpStage.Data, 0.25, 451, "x").Probability);
    }
}
