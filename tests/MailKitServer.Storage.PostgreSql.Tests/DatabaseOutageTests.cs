using System.Text;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Smtp;
using MailKit.Security;
using MailKitServer.Runtime;
using MailKitServer.TestSupport;
using MimeKit;

namespace MailKitServer.Storage.PostgreSql.Tests;

/// <summary>Bad input from below: a database that goes away and comes back, and a wrong password at start.</summary>
public sealed class DatabaseOutageTests
{
    private static MimeMessage Mail(string subject) => new([MailboxAddress.Parse("x@remote.test")], [MailboxAddress.Parse("olga@example.test")], subject, new TextPart("plain") { Text = subject });

    [Fact]
    public async Task While_the_database_is_away_smtp_answers_451_and_imap_no_unavailable_and_both_recover_when_it_returns()
    {
        // A server of its own: this test stops it.
        await using var postgres = await PostgresServer.StartAsync();
        var db = await postgres.CreateDatabaseAsync();
        await using var node = await PostgresNode.StartAsync(db, "node");
        await node.Database.Directory.AddUserAsync("olga@example.test", "olga-pw");

        using var transcript = new MemoryStream();
        using var imap = new ImapClient(new ProtocolLogger(transcript, leaveOpen: true));
        await imap.ConnectAsync(node.Imap.Address.ToString(), node.Imap.Port, SecureSocketOptions.None);
        await imap.AuthenticateAsync("olga@example.test", "olga-pw");
        await imap.Inbox.OpenAsync(FolderAccess.ReadWrite);

        await postgres.StopAsync();

        using (var smtp = new SmtpClient())
        {
            await smtp.ConnectAsync(node.Smtp.Address.ToString(), node.Smtp.Port, SecureSocketOptions.None);
            var refused = await Assert.ThrowsAsync<SmtpCommandException>(() => smtp.SendAsync(Mail("during outage")));
            Assert.Equal(451, (int)refused.StatusCode);
            Assert.Contains("4.3.0", refused.Message, StringComparison.Ordinal);
            await smtp.DisconnectAsync(true);
        }

        var no = await Assert.ThrowsAsync<ImapCommandException>(() => imap.Inbox.AppendAsync(new AppendRequest(Mail("append during outage"))));
        Assert.Equal(ImapCommandResponse.No, no.Response);
        Assert.Contains("NO [UNAVAILABLE]", Encoding.UTF8.GetString(transcript.ToArray()), StringComparison.Ordinal);

        await postgres.StartAgainAsync();

        // The same IMAP session works again, and so does SMTP.
        var appended = await imap.Inbox.AppendAsync(new AppendRequest(Mail("after outage")));
        Assert.NotNull(appended);
        using (var smtp = new SmtpClient())
        {
            await smtp.ConnectAsync(node.Smtp.Address.ToString(), node.Smtp.Port, SecureSocketOptions.None);
            await smtp.SendAsync(Mail("smtp after outage"));
            await smtp.DisconnectAsync(true);
        }

        await imap.DisconnectAsync(true);
        await using var account = await node.Database.MessageStore.OpenAccountAsync("olga@example.test", default);
        Assert.Equal(2, (await account.GetStatusAsync("INBOX", default))!.Messages);
    }

    [Fact]
    public async Task A_wrong_password_fails_at_start_naming_the_option_and_the_reason_but_not_the_password()
    {
        await using var postgres = await PostgresServer.StartAsync();
        await postgres.CreateDatabaseAsync("mail");
        var wrong = postgres.ConnectionString("mail", password: "not-the-password");
        var ex = await Assert.ThrowsAsync<MailServerOptionsException>(() => PostgresFixture.OpenAsync(wrong));
        Assert.Contains("PostgresStoreOptions.ConnectionString", ex.Message, StringComparison.Ordinal);
        Assert.Contains("password authentication failed", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password", ex.Message, StringComparison.Ordinal);

        // The host says which option is wrong and exits with 2, before listening on anything.
        var host = await ExternalTool.RunAsync("dotnet", [HostBinary.Path, "--store", "postgres:" + wrong, "--smtp-port", "0", "--imap-port", "0", "--managesieve-port", "-1", "--http-port", "-1"], timeout: TimeSpan.FromSeconds(60));
        Assert.Equal(2, host.ExitCode);
        Assert.Contains("error: --store postgres: ", host.Stderr, StringComparison.Ordinal);
        Assert.Contains("password authentication failed", host.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password", host.Stderr + host.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("listening", host.Stdout, StringComparison.Ordinal);
    }
}
