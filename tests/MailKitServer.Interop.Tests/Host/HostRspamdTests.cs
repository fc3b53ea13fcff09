using System.Globalization;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKitServer.TestSupport;

namespace MailKitServer.Interop.Tests.Host;

/// <summary>
/// The host with Debian's rspamd: <c>--milter</c> at its proxy worker and <c>--rspamd-learn</c> at its controller.
/// swaks sends an "add header" test pattern (filed in Junk) and a plain message; MailKit's ImapClient moves the plain
/// one into Junk and back out, and rspamd's /stat counts both lessons.
/// </summary>
public sealed class HostRspamdTests(RspamdFixture fixture) : IClassFixture<RspamdFixture>
{
    private const string AddHeaderPattern = "YJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X";

    [Fact]
    public async Task Junk_from_rspamd_lands_in_Junk_and_filing_over_IMAP_trains_it()
    {
        var rspamd = fixture.Rspamd;
        var password = Path.Combine(Path.GetTempPath(), $"mks-rspamd-pw-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(password, Rspamd.Password + "\n");
        try
        {
            await using var host = await HostProcess.StartAsync(
                "--store", "memory", "--smtp-port", "0", "--submission-port", "-1", "--smtps-port", "-1",
                "--pop3-port", "-1", "--pop3s-port", "-1", "--imap-port", "0", "--imaps-port", "-1",
                "--domain", "example.test", "--user", "bob@example.test:bob-pw",
                "--milter", $"inet:127.0.0.1:{rspamd.Milter.Port.ToString(CultureInfo.InvariantCulture)},timeout=2m",
                "--rspamd-learn", $"http://{rspamd.Controller}/,password-file={password}");

            await SwaksAsync(host, "pattern", AddHeaderPattern);
            await SwaksAsync(host, "quarterly figures", string.Join(' ', Enumerable.Range(0, 120).Select(i => $"revenue{i % 11} margin{i % 5} forecast")));

            var before = await rspamd.LearnedAsync();
            using var imap = new ImapClient();
            await imap.ConnectAsync("127.0.0.1", host.Listeners["imap"].Port, MailKit.Security.SecureSocketOptions.None);
            await imap.AuthenticateAsync("bob@example.test", "bob-pw");
            var junk = imap.GetFolder(SpecialFolder.Junk) ?? throw new InvalidOperationException("no \\Junk mailbox");
            await junk.OpenAsync(FolderAccess.ReadOnly);
            Assert.Equal("pattern", Assert.Single(await junk.FetchAsync(0, -1, MessageSummaryItems.Envelope)).Envelope?.Subject);

            await imap.Inbox.OpenAsync(FolderAccess.ReadWrite);
            var figures = Assert.Single(await imap.Inbox.SearchAsync(SearchQuery.SubjectContains("quarterly")));
            var filed = await imap.Inbox.MoveToAsync(figures, junk);
            Assert.Equal(before + 1, await rspamd.LearnedAsync());
            await junk.OpenAsync(FolderAccess.ReadWrite);
            await junk.MoveToAsync(filed!.Value, imap.Inbox);
            Assert.Equal(before + 2, await rspamd.LearnedAsync());
            await imap.DisconnectAsync(true);
            Assert.Equal(0, await host.TerminateAsync());
        }
        finally
        {
            File.Delete(password);
        }
    }

    [Theory]
    [InlineData("ftp://127.0.0.1:11334/")]
    [InlineData("http://127.0.0.1:11334/,secret=q1")]
    [InlineData("http://127.0.0.1:11334/,password-file=/nonexistent/rspamd-password")]
    public async Task A_bad_rspamd_learn_value_is_refused_naming_the_option(string value)
    {
        var run = await ExternalTool.RunAsync("dotnet", [HostProcess.HostDll, "--store", "memory", "--rspamd-learn", value]);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("error: --rspamd-learn:", run.Stderr, StringComparison.Ordinal);
    }

    private static async Task SwaksAsync(HostProcess host, string subject, string body)
    {
        var sent = await ExternalTool.RunAsync("swaks",
        [
            "--server", "127.0.0.1", "--port", host.Listeners["smtp"].Port.ToString(CultureInfo.InvariantCulture),
            "--from", "carol@sender.test", "--to", "bob@example.test", "--header", $"Subject: {subject}", "--body", body,
        ]);
        Assert.True(sent.ExitCode == 0, sent.ToString());
    }
}
