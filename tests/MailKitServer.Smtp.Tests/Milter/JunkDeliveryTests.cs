using MailKit;
using MailKit.Net.Imap;
using MailKitServer.Smtp.Milter;
using MailKitServer.Storage;
using MailKitServer.Storage.InMemory;
using MailKitServer.TestSupport;
using MimeKit;
using SmtpClient = MailKit.Net.Smtp.SmtpClient;

namespace MailKitServer.Smtp.Tests.Milter;

/// <summary>
/// Where junk goes: a Python milter (Debian's python3-milter) quarantines or sets <c>X-Spam</c>, MailKit's SmtpClient
/// sends, MailKit's ImapClient finds the message in the user's mailbox with the \Junk special use whatever its name, or
/// in a "Junk" made with that role (and subscribed) when the user had none.
/// </summary>
public sealed class JunkDeliveryTests
{
    private const string Filter = """
        import sys, Milter
        class Junk(Milter.Base):
            def __init__(self):
                self.subject = ""
            def header(self, name, value):
                if name.lower() == "subject":
                    self.subject = value
                return Milter.CONTINUE
            def eom(self):
                if "quarantine" in self.subject:
                    self.quarantine("held by the test")
                elif "spammy" in self.subject:
                    self.addheader("X-Spam", "Yes, score=9.5")
                elif "hammy" in self.subject:
                    self.addheader("X-Spam", "No")
                return Milter.CONTINUE
        Milter.factory = Junk
        Milter.set_flags(Milter.ADDHDRS | Milter.QUARANTINE)
        Milter.runmilter("mks-junk", "inet:%s@127.0.0.1" % sys.argv[1], 30)
        """;

    [Fact]
    public async Task Quarantined_and_X_Spam_yes_mail_goes_to_the_mailbox_with_the_Junk_role_whatever_its_name()
    {
        var options = new InMemoryMessageStoreOptions();
        options.DefaultMailboxes.Remove("Junk");
        options.DefaultMailboxes["Spam"] = MailboxRole.Junk;
        await using var milter = await PythonMilter.StartAsync(Filter);
        await using var server = await TestMailServer.StartAsync(o => o.Milters.Add(new MilterOptions(milter.EndPoint)), b => b.UseStore(new InMemoryMessageStore(options)));

        await SendAsync(server, "quarantine me", "spammy offer", "hammy note");

        using var imap = await LoginAsync(server);
        var junk = imap.GetFolder(SpecialFolder.Junk) ?? throw new InvalidOperationException("no \\Junk mailbox");
        Assert.Equal("Spam", junk.FullName);
        Assert.Equal(["quarantine me", "spammy offer"], await SubjectsAsync(junk));
        Assert.Equal(["hammy note"], await SubjectsAsync(imap.Inbox));
        Assert.DoesNotContain(await imap.GetFoldersAsync(imap.PersonalNamespaces[0]), f => f.FullName == "Junk");
        await imap.DisconnectAsync(true);
    }

    [Fact]
    public async Task Without_a_Junk_mailbox_one_is_made_with_the_Junk_role_and_subscribed()
    {
        var options = new InMemoryMessageStoreOptions();
        options.DefaultMailboxes.Clear();
        await using var milter = await PythonMilter.StartAsync(Filter);
        await using var server = await TestMailServer.StartAsync(o => o.Milters.Add(new MilterOptions(milter.EndPoint)), b => b.UseStore(new InMemoryMessageStore(options)));

        await SendAsync(server, "quarantine me", "spammy offer");

        using var imap = await LoginAsync(server);
        var junk = imap.GetFolder(SpecialFolder.Junk) ?? throw new InvalidOperationException("no \\Junk mailbox");
        Assert.Equal("Junk", junk.FullName);
        Assert.Contains(await imap.GetFoldersAsync(imap.PersonalNamespaces[0], StatusItems.None, subscribedOnly: true), f => f.FullName == "Junk");
        Assert.Equal(["quarantine me", "spammy offer"], await SubjectsAsync(junk));
        Assert.Empty(await SubjectsAsync(imap.Inbox));
        await imap.DisconnectAsync(true);
    }

    [Fact]
    public async Task With_no_spam_header_configured_X_Spam_is_only_a_header()
    {
        await using var milter = await PythonMilter.StartAsync(Filter);
        await using var server = await TestMailServer.StartAsync(o => o.Milters.Add(new MilterOptions(milter.EndPoint) { SpamHeader = null }));

        await SendAsync(server, "spammy offer");

        using var imap = await LoginAsync(server);
        Assert.Equal(["spammy offer"], await SubjectsAsync(imap.Inbox));
        Assert.Empty(await SubjectsAsync(imap.GetFolder(SpecialFolder.Junk) ?? throw new InvalidOperationException("no \\Junk mailbox")));
        await imap.DisconnectAsync(true);
    }

    private static async Task SendAsync(TestMailServer server, params string[] subjects)
    {
        using var client = new SmtpClient();
        await client.ConnectAsync("127.0.0.1", server.Smtp.Port, MailKit.Security.SecureSocketOptions.None);
        foreach (var subject in subjects)
        {
            var message = new MimeMessage();
            message.From.Add(MailboxAddress.Parse("carol@sender.test"));
            message.To.Add(MailboxAddress.Parse("bob@example.test"));
            message.Subject = subject;
            message.Body = new TextPart("plain") { Text = "x" };
            await client.SendAsync(message);
        }

        await client.DisconnectAsync(true);
    }

    private static async Task<ImapClient> LoginAsync(TestMailServer server)
    {
        var imap = new ImapClient();
        await imap.ConnectAsync("127.0.0.1", server.Imap.Port, MailKit.Security.SecureSocketOptions.None);
        await imap.AuthenticateAsync("bob@example.test", "bob-pw");
        return imap;
    }

    private static async Task<List<string>> SubjectsAsync(IMailFolder folder)
    {
        await folder.OpenAsync(FolderAccess.ReadOnly);
        var summaries = await folder.FetchAsync(0, -1, MessageSummaryItems.Envelope);
        return [.. summaries.Select(s => s.Envelope?.Subject ?? "(no envelope)")];
    }
}
