using System.Globalization;
using MailKitServer.Dns;
using MailKitServer.Smtp.Screening;
using MailKitServer.TestSupport;

namespace MailKitServer.Smtp.Tests.Screening;

/// <summary>A test server whose SMTP listeners share one screening configuration, and swaks sending to it from a chosen loopback address.</summary>
internal static class ScreeningTestServer
{
    /// <summary>Starts a <see cref="TestMailServer"/> with <paramref name="screening"/> on its SMTP listeners, optionally on a clock and a resolver.</summary>
    public static Task<TestMailServer> StartAsync(ScreeningOptions screening, TimeProvider? clock = null, IDnsResolver? dns = null) =>
        TestMailServer.StartAsync(smtp: o => o.Screening = screening, configure: b =>
        {
            if (clock is not null)
            {
                b.UseTimeProvider(clock);
            }

            if (dns is not null)
            {
                b.UseDnsResolver(dns);
            }
        });

    /// <summary>Sends from alice@sender.test to bob@example.test (or to the <c>--to</c> in <paramref name="more"/>) from <paramref name="source"/>.</summary>
    public static Task<ExternalTool.Result> SwaksAsync(TestMailServer server, string source, params string[] more) =>
        ExternalTool.RunAsync("swaks",
        [
            "--server", "127.0.0.1", "--port", server.Smtp.Port.ToString(CultureInfo.InvariantCulture), "--local-interface", source,
            "--from", "alice@sender.test", .. more.Contains("--to") ? more : ["--to", "bob@example.test", .. more],
        ]);
}
