using System.Text;
using MailKitServer.Hostile.Tests.Support;
using MailKitServer.TestSupport;

namespace MailKitServer.Hostile.Tests.Transcript;

/// <summary>
/// Issue 15 item 8: the Trace transcript never shows a password, whatever form the client gives it in: IMAP LOGIN with
/// atoms, quoted strings, literals and literal+ in every position, AUTHENTICATE with an initial response and with
/// continuation lines, SMTP AUTH, POP3 PASS and AUTH. Each form is tried with the right password and a wrong one.
/// </summary>
public sealed class CredentialRedactionTests
{
    private const string User = "carol@example.test";
    private const string Password = "Zq9-s3cret-7Kx";
    private const string Wrong = "Wr0ng-gu3ss-Q2";

    public static TheoryData<string> Passwords => [Password, Wrong];

    [Theory]
    [MemberData(nameof(Passwords))]
    public async Task IMAP_LOGIN_and_AUTHENTICATE_in_every_form(string password)
    {
        var log = new CapturingLoggerFactory();
        await using var server = await StartAsync(log);
        var plain = Base64($"\0{User}\0{password}");
        var u = User.Length;
        var p = password.Length;
        string[][] forms =
        [
            [$"LOGIN {User} {password}"],
            [$"LOGIN \"{User}\" \"{password}\""],
            [$"LOGIN {{{u}}}", $"{User} {password}"],
            [$"LOGIN {{{u}+}}", $"{User} \"{password}\""],
            [$"LOGIN {User} {{{p}}}", password],
            [$"LOGIN {{{u}}}", $"{User} {{{p}+}}", password],
            [$"LOGIN {{{u}}}", $"{User} {{{p}}}", password],
            [$"LOGIN ~{{{u}}}", $"{User} {password}"],
            [$"login \"{User}\" {{{p}}}", password],
            [$"AUTHENTICATE PLAIN {plain}"],
            [$"AUTHENTICATE PLAIN", plain],
            [$"AUTHENTICATE LOGIN", Base64(User), Base64(password)],
        ];

        var tag = 0;
        foreach (var form in forms)
        {
            await using var client = await LineClient.ConnectAsync(server.Imap);
            Assert.StartsWith("* OK", await client.ReadLineAsync(), StringComparison.Ordinal);
            var t = $"a{tag++}";
            await SendImapAsync(client, t + " " + form[0], form.Skip(1).ToArray());
            var answer = (await client.ReadTaggedAsync(t))[^1];
            Assert.StartsWith(password == Password ? $"{t} OK" : $"{t} NO", answer, StringComparison.Ordinal);
        }

        AssertNoSecret(log, password, plain, Base64(password));
        AssertTranscribed(log, "LOGIN");
    }

    [Theory]
    [MemberData(nameof(Passwords))]
    public async Task SMTP_AUTH_with_and_without_initial_responses(string password)
    {
        var log = new CapturingLoggerFactory();
        await using var server = await StartAsync(log);
        var plain = Base64($"\0{User}\0{password}");
        var code = password == Password ? "235" : "535";
        string[][] forms =
        [
            [$"AUTH PLAIN {plain}"],
            ["AUTH PLAIN", plain],
            [$"AUTH LOGIN {Base64(User)}", Base64(password)],
            ["AUTH LOGIN", Base64(User), Base64(password)],
        ];

        foreach (var form in forms)
        {
            await using var client = await LineClient.ConnectAsync(server.Submission);
            await client.ReadReplyAsync();
            await client.CommandAsync("EHLO client.test");
            var reply = await client.CommandAsync(form[0]);
            foreach (var line in form.Skip(1))
            {
                Assert.StartsWith("334", reply, StringComparison.Ordinal);
                reply = await client.CommandAsync(line);
            }

            Assert.StartsWith(code, reply, StringComparison.Ordinal);
        }

        AssertNoSecret(log, password, plain, Base64(password));
        AssertTranscribed(log, "AUTH");
    }

    [Theory]
    [MemberData(nameof(Passwords))]
    public async Task POP3_PASS_and_AUTH(string password)
    {
        var log = new CapturingLoggerFactory();
        await using var server = await StartAsync(log);
        var plain = Base64($"\0{User}\0{password}");
        var ok = password == Password ? "+OK" : "-ERR";
        string[][] forms =
        [
            [$"USER {User}", $"PASS {password}"],
            [$"USER {User}", $"pass {password}"],
            [$"AUTH PLAIN {plain}"],
            ["AUTH PLAIN", plain],
            ["AUTH LOGIN", Base64(User), Base64(password)],
        ];

        foreach (var form in forms)
        {
            await using var client = await LineClient.ConnectAsync(server.Pop3);
            Assert.StartsWith("+OK", await client.ReadLineAsync(), StringComparison.Ordinal);
            string? reply = null;
            foreach (var line in form)
            {
                await client.SendAsync(line + "\r\n");
                reply = await client.ReadLineAsync();
            }

            Assert.StartsWith(ok, reply, StringComparison.Ordinal);

            // QUIT releases the maildrop lock before the next form logs in.
            Assert.StartsWith("+OK", await client.CommandAsync("QUIT"), StringComparison.Ordinal);
            Assert.True(await client.IsClosedAsync());
        }

        AssertNoSecret(log, password, plain, Base64(password));
        AssertTranscribed(log, "USER");
    }

    private static async Task<TestMailServer> StartAsync(CapturingLoggerFactory log)
    {
        // No throttling delays in this test: it is about the transcript.
        var server = await TestMailServer.StartAsync(configure: b => b.UseLoggerFactory(log).Configure(o => o.AuthFailuresBeforeDelay = 1000));
        server.Directory.AddUser(User, Password);
        return server;
    }

    /// <summary>Sends a command and its continuation lines, waiting for "+" before each after a synchronizing literal or in a SASL exchange.</summary>
    private static async Task SendImapAsync(LineClient client, string first, string[] rest)
    {
        var line = first;
        foreach (var next in rest)
        {
            var literalPlus = line.EndsWith("+}", StringComparison.Ordinal);
            await client.SendAsync(line + "\r\n");
            if (!literalPlus)
            {
                var continuation = await client.ReadLineAsync();
                Assert.StartsWith("+", continuation, StringComparison.Ordinal);
            }

            line = next;
        }

        await client.SendAsync(line + "\r\n");
    }

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    private static void AssertNoSecret(CapturingLoggerFactory log, params string[] secrets)
    {
        foreach (var entry in log.Entries)
        {
            foreach (var secret in secrets)
            {
                Assert.False(entry.Message.Contains(secret, StringComparison.Ordinal), $"secret '{secret}' in the log: {entry}");
            }
        }
    }

    private static void AssertTranscribed(CapturingLoggerFactory log, string command) =>
        Assert.Contains(log.Entries, e => e.Category == "MailKitServer.Transcript" && e.Message.Contains(" C: ", StringComparison.Ordinal) && e.Message.Contains(command, StringComparison.OrdinalIgnoreCase));
}
