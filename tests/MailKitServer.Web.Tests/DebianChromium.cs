using Microsoft.Playwright;

namespace MailKitServer.Web.Tests;

/// <summary>Debian's Chromium (/usr/bin/chromium, installed by test.sh), headless; Playwright's own browser download is never used.</summary>
internal static class DebianChromium
{
    private static readonly string[] Arguments = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

    public static Task<IBrowser> LaunchAsync(IPlaywright playwright) => playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
    {
        ExecutablePath = "/usr/bin/chromium",
        Headless = true,
        ChromiumSandbox = false,
        Args = Arguments,
    });
}
