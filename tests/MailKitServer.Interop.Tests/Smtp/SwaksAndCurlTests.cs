using System.Text;
using MailKitServer.TestSupport;

namespace MailKitServer.Interop.Tests.Smtp;

/// <summary>swaks and curl, as shipped by Debian, against the in-process server.</summary>
public class SwaksAndCurlTests
{
    private static string P(System.Net.IPEndPoint e) => e.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task Swaks_pipelining()
    {
        await using var server = await TestMailServer.StartAsync();
        var r = await ExternalTool.RunAsync("swaks", ["--server", "127.0.0.1", "--port", P(server.Smtp), "--from", "a@remote.test", "--to", "alice@example.test,bob@example.test", "--pipeline", "--header", "Subject: pipelined"]);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("<** 250", r.Stdout.Replace("<-  250", "<** 250", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("Subject: pipelined", Encoding.UTF8.GetString(Assert.Single(await server.InboxAsync("bob@example.test"))), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("PLAIN")]
    [InlineData("LOGIN")]
    [InlineData("CRAM-MD5")]
    public async Task Swaks_starttls_and_auth(string mechanism)
    {
        await using var server = await TestMailServer.StartAsync(insecureAuth: false);
        var r = await ExternalTool.RunAsync("swaks", ["--server", "127.0.0.1", "--port", P(server.Submission), "--tls", "--auth", mechanism, "--auth-user", "alice@example.test", "--auth-password", "alice-pw", "--from", "alice@example.test", "--to", "bob@example.test"]);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("235 2.7.0 Authentication successful", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("with ESMTPSA", Encoding.UTF8.GetString(Assert.Single(await server.InboxAsync("bob@example.test"))), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Swaks_implicit_tls_with_a_wrong_password_is_refused()
    {
        await using var server = await TestMailServer.StartAsync();
        var r = await ExternalTool.RunAsync("swaks", ["--server", "127.0.0.1", "--port", P(server.Smtps), "--tlsc", "--auth", "PLAIN", "--auth-user", "alice@example.test", "--auth-password", "wrong", "--from", "alice@example.test", "--to", "bob@example.test"]);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("535 5.7.8", r.Stdout, StringComparison.Ordinal);
        Assert.Empty(await server.InboxAsync("bob@example.test"));
    }

    [Fact]
    public async Task Curl_smtp_upload_arrives_byte_for_byte()
    {
        await using var server = await TestMailServer.StartAsync();
        var file = Path.GetTempFileName();
        var message = "From: a@remote.test\r\nTo: alice@example.test\r\nSubject: curl\r\n\r\n.leading dot\r\nlast line\r\n";
        await File.WriteAllTextAsync(file, message);
        try
        {
            var r = await ExternalTool.RunAsync("curl", ["-sS", $"smtp://127.0.0.1:{P(server.Smtp)}", "--mail-from", "a@remote.test", "--mail-rcpt", "alice@example.test", "-T", file]);
            Assert.True(r.ExitCode == 0, r.ToString());
        }
        finally
        {
            File.Delete(file);
        }

        var stored = Encoding.UTF8.GetString(Assert.Single(await server.InboxAsync("alice@example.test")));
        Assert.EndsWith("\r\n" + message, stored, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Curl_smtp_with_starttls_and_login()
    {
        await using var server = await TestMailServer.StartAsync(insecureAuth: false);
        var file = Path.GetTempFileName();
        await File.WriteAllTextAsync(file, "Subject: curl tls\r\n\r\nhi\r\n");
        try
        {
            var r = await ExternalTool.RunAsync("curl", ["-sS", "--ssl-reqd", "-k", $"smtp://127.0.0.1:{P(server.Submission)}", "--user", "alice@example.test:alice-pw", "--mail-from", "alice@example.test", "--mail-rcpt", "bob@example.test", "-T", file]);
            Assert.True(r.ExitCode == 0, r.ToString());
        }
        finally
        {
            File.Delete(file);
        }

        Assert.Contains("Subject: curl tls", Encoding.UTF8.GetString(Assert.Single(await server.InboxAsync("bob@example.test"))), StringComparison.Ordinal);
    }
}
