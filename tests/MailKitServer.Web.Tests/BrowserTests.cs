using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using MimeKit;

namespace MailKitServer.Web.Tests;

/// <summary>
/// The inbox in a real browser: Debian's Chromium (/usr/bin/chromium, installed by test.sh) driven by
/// Microsoft.Playwright; Playwright's own browser download is never used.
/// </summary>
public class BrowserTests
{
    [Fact]
    public async Task A_message_appears_live_its_html_renders_without_running_scripts_remote_content_waits_and_the_attachment_downloads()
    {
        await using var server = await WebTestServer.StartAsync();
        await using var remote = await RemoteContentServer.StartAsync();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await DebianChromium.LaunchAsync(playwright);
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { AcceptDownloads = true, ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
        var page = await context.NewPageAsync();
        var dialogs = 0;
        page.Dialog += async (_, dialog) =>
        {
            dialogs++;
            await dialog.DismissAsync();
        };

        await page.GotoAsync(server.Web.BaseAddress.ToString());
        await page.Locator("#live.on").WaitForAsync(new LocatorWaitForOptions { Timeout = 15000 });
        await page.EvaluateAsync("() => { window.notReloaded = true; }");

        // Sent over SMTP while the page is open: the row appears without a reload.
        var attachment = Enumerable.Range(0, 3000).Select(i => (byte)(i * 13 % 251)).ToArray();
        var builder = new BodyBuilder
        {
            TextBody = "Plain version.",
            HtmlBody = $"""
                <h1 id="greeting">Quarterly <b>figures</b></h1>
                <p>Totals attached.</p>
                <img id="remote" src="{remote.PixelUrl}" alt="remote pixel">
                <img src="x" onerror="document.body.setAttribute('data-ran', 'onerror'); alert('onerror')">
                <script>document.body.setAttribute('data-ran', 'script'); alert('script'); top.location = 'about:blank';</script>
                """,
        };
        builder.Attachments.Add("report.bin", attachment, new ContentType("application", "octet-stream"));
        var message = WebTestServer.Message("Browser test");
        message.Body = builder.ToMessageBody();
        await server.SendAsync(message);

        var row = page.Locator("#messages tbody tr", new PageLocatorOptions { HasText = "Browser test" });
        await row.WaitForAsync(new LocatorWaitForOptions { Timeout = 15000 });
        Assert.True(await page.EvaluateAsync<bool>("() => window.notReloaded === true"));

        await row.ClickAsync();
        var frame = page.FrameLocator("#html-frame");
        await frame.Locator("#greeting b").WaitForAsync(new LocatorWaitForOptions { Timeout = 15000 });
        Assert.Equal("figures", await frame.Locator("#greeting b").InnerTextAsync());
        Assert.Null(await frame.Locator("body").GetAttributeAsync("data-ran"));
        Assert.Equal(0, dialogs);
        Assert.Equal(server.Web.BaseAddress.ToString(), page.Url);
        Assert.Equal(0, remote.Hits);

        var screenshot = Path.Combine(AppContext.BaseDirectory, "web-inbox.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot });
        Assert.True(new FileInfo(screenshot).Length > 10_000);
        if (Environment.GetEnvironmentVariable("MKS_WEB_SCREENSHOT") is { Length: > 0 } copy)
        {
            File.Copy(screenshot, copy, overwrite: true);
        }

        // The attachment downloads with its bytes and name.
        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("a.attachment", new PageLocatorOptions { HasText = "report.bin" }).ClickAsync());
        Assert.Equal("report.bin", download.SuggestedFilename);
        var saved = Path.Combine(Path.GetTempPath(), $"mks-download-{Guid.NewGuid():N}");
        try
        {
            await download.SaveAsAsync(saved);
            Assert.Equal(attachment, await File.ReadAllBytesAsync(saved));
        }
        finally
        {
            File.Delete(saved);
        }

        // Remote content only when the reader asks for it; scripts stay off.
        var remoteHit = remote.WaitForHitAsync();
        await page.Locator("#allow-remote").ClickAsync();
        await remoteHit.WaitAsync(TimeSpan.FromSeconds(15));
        await frame.Locator("#greeting").WaitForAsync();
        Assert.Null(await frame.Locator("body").GetAttributeAsync("data-ran"));
        Assert.Equal(0, dialogs);

        // Reading it marked it read; the text tab shows the plain part.
        await page.Locator(".tabs button[data-tab=text]").ClickAsync();
        Assert.Equal("Plain version.", (await page.Locator("#tab-text").InnerTextAsync()).Trim());
        await page.Locator("#messages tbody tr:not(.unread)", new PageLocatorOptions { HasText = "Browser test" }).WaitForAsync();
    }

    /// <summary>Another origin serving an image, counting requests: what "remote content" in a message points at.</summary>
    private sealed class RemoteContentServer : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private TaskCompletionSource _hit = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _hits;

        private RemoteContentServer(WebApplication app) => _app = app;

        public int Hits => Volatile.Read(ref _hits);

        public string PixelUrl { get; private set; } = string.Empty;

        public static async Task<RemoteContentServer> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
            var app = builder.Build();
            var server = new RemoteContentServer(app);
            // A 1x1 GIF.
            var gif = Convert.FromBase64String("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7");
            app.MapGet("/pixel.gif", () =>
            {
                Interlocked.Increment(ref server._hits);
                server._hit.TrySetResult();
                return Results.Bytes(gif, "image/gif");
            });
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            server.PixelUrl = address.TrimEnd('/') + "/pixel.gif";
            return server;
        }

        public Task WaitForHitAsync()
        {
            if (Hits > 0)
            {
                return Task.CompletedTask;
            }

            return _hit.Task;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
