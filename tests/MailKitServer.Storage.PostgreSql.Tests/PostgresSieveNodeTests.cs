using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Smtp;
using MailKit.Security;
using MailKitServer.Sieve.PostgreSql;
using MailKitServer.TestSupport;
using MimeKit;

namespace MailKitServer.Storage.PostgreSql.Tests;

/// <summary>
/// Sieve over PostgreSQL across nodes: Debian's sieve-connect uploads and activates a script over STARTTLS on node A,
/// MailKit sends to node B, and node B files the message by that script; one vacation reply for two messages, whichever
/// node delivers them.
/// </summary>
[Collection("postgres")]
public sealed class PostgresSieveNodeTests(PostgresFixture fixture)
{
    private const string Script = "require [\"fileinto\", \"mailbox\", \"vacation\"];\r\nif header :contains \"subject\" \"invoice\" { fileinto :create \"Invoices\"; } vacation :days 7 \"Back on Monday.\";\r\n";

    [Fact]
    public async Task A_script_uploaded_on_one_node_files_mail_delivered_by_the_other_and_answers_once()
    {
        var db = await fixture.Server.CreateDatabaseAsync();
        await using var a = await PostgresNode.StartAsync(db, "node-a", sieve: true);
        await using var b = await PostgresNode.StartAsync(db, "node-b", sieve: true);
        await a.Database.Directory.AddUserAsync("dana@example.test", "dana-pw");
        await a.Database.Directory.AddUserAsync("erik@example.test", "erik-pw");
        await b.Database.Directory.ReloadAsync();

        var directory = System.IO.Directory.CreateTempSubdirectory("mks-pg-sieve-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(directory, "rules.sieve"), Script);
            var port = a.Server.GetEndpoint("managesieve").Port;
            var upload = await SieveConnect.RunAsync(port, "dana@example.test", "dana-pw", directory, "--upload", "--localsieve", "rules.sieve", "--remotesieve", "rules");
            Assert.True(upload.ExitCode == 0, upload.ToString());
            var activate = await SieveConnect.RunAsync(port, "dana@example.test", "dana-pw", directory, "--activate", "--remotesieve", "rules");
            Assert.True(activate.ExitCode == 0, activate.ToString());
        }
        finally
        {
            System.IO.Directory.Delete(directory, recursive: true);
        }

        foreach (var (node, name) in new[] { (b, "node-b"), (a, "node-a") })
        {
            using var smtp = new SmtpClient();
            await smtp.ConnectAsync(node.Smtp.Address.ToString(), node.Smtp.Port, SecureSocketOptions.None);
            var message = new MimeMessage();
            message.From.Add(MailboxAddress.Parse("erik@example.test"));
            message.To.Add(MailboxAddress.Parse("dana@example.test"));
            message.Subject = "Invoice from " + name;
            message.Body = new TextPart("plain") { Text = "Please pay." };
            await smtp.SendAsync(message);
            await smtp.DisconnectAsync(true);
        }

        using var imap = new ImapClient();
        await imap.ConnectAsync(b.Imap.Address.ToString(), b.Imap.Port, SecureSocketOptions.None);
        await imap.AuthenticateAsync("dana@example.test", "dana-pw");
        var invoices = await imap.GetFolderAsync("Invoices");
        await invoices.OpenAsync(FolderAccess.ReadOnly);
        Assert.Equal(2, invoices.Count);
        await imap.Inbox.OpenAsync(FolderAccess.ReadOnly);
        Assert.Equal(0, imap.Inbox.Count);
        await imap.DisconnectAsync(true);

        // One vacation reply, though the two messages were delivered by different nodes.
        await imap.ConnectAsync(a.Imap.Address.ToString(), a.Imap.Port, SecureSocketOptions.None);
        await imap.AuthenticateAsync("erik@example.test", "erik-pw");
        await imap.Inbox.OpenAsync(FolderAccess.ReadOnly);
        Assert.Equal(1, imap.Inbox.Count);
        var reply = await imap.Inbox.GetMessageAsync(0);
        Assert.StartsWith("Auto: Invoice from ", reply.Subject, StringComparison.Ordinal);
        Assert.StartsWith("auto-replied", reply.Headers["Auto-Submitted"], StringComparison.Ordinal);
        await imap.DisconnectAsync(true);
    }
}
