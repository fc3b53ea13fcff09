using System.Net.Http.Json;
using System.Text.Json;
using MailKit.Net.Smtp;
using MailKitServer.Testing;
using Microsoft.Playwright;
using MimeKit;

namespace MailKitServer.Web.Tests;

/// <summary>The inbox's compose, release and faults pages, used in Debian's Chromium as a person would.</summary>
public class UiFormsBrowserTests
{
    private static readonly LocatorWaitForOptions Patience = new() { Timeout = 15000 };

    [Fact]
    public async Task A_message_composed_in_the_page_arrives_live_and_released_from_its_view_reaches_another_account()
    {
        await using var server = await WebTestServer.StartAsync();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await DebianChromium.LaunchAsync(playwright);
        var page = await browser.NewPageAsync();
        await page.GotoAsync(server.Web.BaseAddress.ToString());
        await page.Locator("#live.on").WaitForAsync(Patience);

        await page.ClickAsync("#nav-compose");
        await page.FillAsync("#compose-from", "sender@remote.test");
        await page.FillAsync("#compose-to", "alice@example.test");
        await page.FillAsync("#compose-subject", "Composed in the browser");
        await page.FillAsync("#compose-text", "Typed into a textarea.");
        await page.ClickAsync("#compose-send");
        await page.Locator("#compose-result", new PageLocatorOptions { HasText = "delivered to alice@example.test" }).WaitForAsync(Patience);

        // Back in the inbox the message came in over the event stream; its view releases it to bob.
        await page.ClickAsync("#nav-inbox");
        var row = page.Locator("#messages tbody tr", new PageLocatorOptions { HasText = "Composed in the browser" });
        await row.WaitForAsync(Patience);
        await row.ClickAsync();
        await page.Locator("#tab-text", new PageLocatorOptions { HasText = "Typed into a textarea." }).WaitForAsync(Patience);
        await page.FillAsync("#release-to", "bob@example.test");
        await page.ClickAsync("#release");
        await page.Locator("#release-result", new PageLocatorOptions { HasText = "delivered to bob@example.test" }).WaitForAsync(Patience);

        var bobs = await server.Http.GetFromJsonAsync<JsonElement>("/api/v1/messages?user=bob@example.test");
        Assert.Equal("Composed in the browser", bobs.GetProperty("messages")[0].GetProperty("subject").GetString());

        // A bad address is refused with the server's reason, shown in the page, and nothing more is sent.
        await page.FillAsync("#release-to", "not an address");
        await page.ClickAsync("#release");
        await page.Locator("#release-result", new PageLocatorOptions { HasText = "refused: not an address" }).WaitForAsync(Patience);
        await page.FillAsync("#release-to", "");
        await page.ClickAsync("#release");
        await page.Locator("#release-result", new PageLocatorOptions { HasText = "Not released: to must hold 1 to" }).WaitForAsync(Patience);
        Assert.Equal(1, (await server.Http.GetFromJsonAsync<JsonElement>("/api/v1/messages?user=bob@example.test")).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task The_faults_page_arms_a_refusal_an_smtp_client_meets_and_disarms_it()
    {
        await using var sandbox = await MailSandbox.StartAsync();
        await using var web = await sandbox.StartWebAsync();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await DebianChromium.LaunchAsync(playwright);
        var page = await browser.NewPageAsync();
        await page.GotoAsync(web.BaseAddress.ToString());

        // The sandbox has faults, so the page offers them.
        await page.Locator("#nav-faults:visible").WaitForAsync(Patience);
        await page.ClickAsync("#nav-faults");
        await page.SelectOptionAsync("#fault-kind", "refuse");
        await page.SelectOptionAsync("#fault-stage", "RcptTo");
        await page.FillAsync("#fault-code", "550");
        await page.FillAsync("#fault-text", "5.7.1 Not today");
        await page.FillAsync("#fault-times", "-1");
        await page.ClickAsync("#fault-arm");
        await page.Locator("#faults tbody tr", new PageLocatorOptions { HasText = "550 5.7.1 Not today" }).WaitForAsync(Patience);

        var refused = await Assert.ThrowsAsync<SmtpCommandException>(() => SendAsync(sandbox, "refused"));
        Assert.Equal(550, (int)refused.StatusCode);

        await page.ClickAsync("#fault-clear");
        await page.Locator("#fault-result", new PageLocatorOptions { HasText = "Disarmed" }).WaitForAsync(Patience);
        Assert.Equal(0, await page.Locator("#faults tbody tr").CountAsync());
        await SendAsync(sandbox, "accepted");
        Assert.Equal("accepted", Assert.Single(sandbox.Messages).Subject);
    }

    [Fact]
    public async Task Without_faults_on_the_server_the_page_hides_them()
    {
        await using var server = await WebTestServer.StartAsync();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await DebianChromium.LaunchAsync(playwright);
        var page = await browser.NewPageAsync();
        var faultsAsked = page.WaitForResponseAsync(r => r.Url.EndsWith("/api/v1/faults", StringComparison.Ordinal));
        await page.GotoAsync(server.Web.BaseAddress.ToString());
        Assert.Equal(404, (await faultsAsked).Status);
        Assert.False(await page.Locator("#nav-faults").IsVisibleAsync());
    }

    private static async Task SendAsync(MailSandbox sandbox, string subject)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("app@sender.test"));
        message.To.Add(MailboxAddress.Parse("someone@anywhere.test"));
        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = "hello" };
        using var client = new SmtpClient();
        await client.ConnectAsync(sandbox.Host, sandbox.SmtpPort, MailKit.Security.SecureSocketOptions.None);
        await client.SendAsync(message);
        await client.DisconnectAsync(true);
    }
}
