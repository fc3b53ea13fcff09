using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKitServer.Imap;
using MailKitServer.Smtp.Milter;
using MailKitServer.TestSupport;
using MimeKit;
using SmtpClient = MailKit.Net.Smtp.SmtpClient;

namespace MailKitServer.Smtp.Tests.Milter;

/// <summary>
/// rspamd (Debian's 3.4) through its proxy worker in milter mode, MailKit's SmtpClient sending and MailKit's
/// ImapClient reading: a clean message is stored with rspamd's headers; GTUBE is rejected with rspamd's reply; the
/// "add header" test pattern lands in Junk, "rewrite subject" in INBOX with its subject tagged; moving a message into
/// Junk and out again over IMAP trains rspamd's Bayes classifier through its controller (<see cref="RspamdJunkTrainer"/>).
/// </summary>
public sealed class RspamdMilterTests(RspamdFixture fixture) : IClassFixture<RspamdFixture>
{
    private const string Gtube = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X";

    [Fact]
    public async Task A_clean_message_is_stored_with_rspamds_headers_and_GTUBE_is_rejected()
    {
        var rspamd = fixture.Rspamd;
        await using var server = await TestMailServer.StartAsync(o => o.Milters.Add(new MilterOptions(rspamd.Milter) { Timeout = TimeSpan.FromSeconds(120) }));

        using var client = new SmtpClient();
        await client.ConnectAsync("127.0.0.1", server.Smtp.Port, MailKit.Security.SecureSocketOptions.None);
        await client.SendAsync(Message("a clean message", "Hello Bob, see you at lunch tomorrow.\r\n"));
        var rejected = await Assert.ThrowsAsync<MailKit.Net.Smtp.SmtpCommandException>(() => client.SendAsync(Message("gtube", Gtube + "\r\n")));
        await client.DisconnectAsync(true);

        Assert.True(rejected.StatusCode == MailKit.Net.Smtp.SmtpStatusCode.TransactionFailed, rejected.Message + "\n" + rspamd.LogTail);
        Assert.Contains("Gtube pattern", rejected.Message, StringComparison.Ordinal);
        var stored = Assert.Single(await MilterSessionTests.ImapAsync(server, "bob@example.test", "INBOX"));
        Assert.Equal("a clean message", stored.Subject);
        Assert.Contains("default: False", stored.Headers["X-Spamd-Result"], StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(stored.Headers["X-Rspamd-Server"]));
        Assert.False(string.IsNullOrEmpty(stored.Headers["X-Rspamd-Queue-Id"]));
        Assert.Empty(await MilterSessionTests.ImapAsync(server, "bob@example.test", "Junk"));
    }

    [Fact]
    public async Task Add_header_goes_to_Junk_rewrite_subject_to_INBOX_and_moving_over_IMAP_trains_rspamd()
    {
        var rspamd = fixture.Rspamd;
        using var http = new HttpClient();
        var trainer = new WatchedJunkTrainer(new RspamdJunkTrainer(http, new Uri($"http://{rspamd.Controller}"), Rspamd.Password));
        await using var server = await TestMailServer.StartAsync(
            o => o.Milters.Add(new MilterOptions(rspamd.Milter) { Timeout = TimeSpan.FromSeconds(120) }),
            imap: o => o.JunkTrainer = trainer);

        using (var client = new SmtpClient())
        {
            await client.ConnectAsync("127.0.0.1", server.Smtp.Port, MailKit.Security.SecureSocketOptions.None);
            await client.SendAsync(Message("add header", "Y" + Gtube[1..] + "\r\n"));
            await client.SendAsync(Message("rewrite subject", "Z" + Gtube[1..] + "\r\n"));
            await client.SendAsync(Message("cheap pills offer", string.Join(' ', Enumerable.Range(0, 150).Select(i => $"cheap{i % 13} pills{i % 7} offer"))));
            await client.DisconnectAsync(true);
        }

        // rspamd 3.4's proxy adds "X-Spam: Yes" for "add header" (its spam_header): that one is junk. For "rewrite
        // subject" it only changes the Subject (no X-Spam field), so it stays in INBOX, tagged as rspamd meant.
        var junk = Assert.Single(await MilterSessionTests.ImapAsync(server, "bob@example.test", "Junk"));
        Assert.Equal("add header", junk.Subject);
        Assert.Equal("Yes", junk.Headers["X-Spam"]);
        var inbox = await MilterSessionTests.ImapAsync(server, "bob@example.test", "INBOX");
        Assert.Equal(["*** SPAM *** rewrite subject", "cheap pills offer"], inbox.Select(m => m.Subject));
        Assert.Null(inbox[0].Headers["X-Spam"]);

        // Bob files the pills offer as spam, then changes his mind: rspamd learns it each way.
        var before = await rspamd.LearnedAsync();
        using var imap = new ImapClient();
        await imap.ConnectAsync("127.0.0.1", server.Imap.Port, MailKit.Security.SecureSocketOptions.None);
        await imap.AuthenticateAsync("bob@example.test", "bob-pw");
        var junkFolder = await imap.GetFolderAsync("Junk");
        Assert.True(junkFolder.Attributes.HasFlag(FolderAttributes.Junk));
        await imap.Inbox.OpenAsync(FolderAccess.ReadWrite);
        var pills = Assert.Single(await imap.Inbox.SearchAsync(SearchQuery.SubjectContains("pills")));
        var filed = await imap.Inbox.MoveToAsync(pills, junkFolder);
        Assert.NotNull(filed);
        Assert.Equal(before + 1, await rspamd.LearnedAsync());
        await junkFolder.OpenAsync(FolderAccess.ReadWrite);
        var back = await junkFolder.MoveToAsync(filed.Value, imap.Inbox);
        Assert.Equal(before + 2, await rspamd.LearnedAsync());

        // Filed again, twice (COPY): learned as spam once more, then rspamd has learned it already; neither fails.
        await imap.Inbox.OpenAsync(FolderAccess.ReadWrite);
        await imap.Inbox.CopyToAsync(back!.Value, junkFolder);
        Assert.Equal(before + 3, await rspamd.LearnedAsync());
        await imap.Inbox.CopyToAsync(back.Value, junkFolder);
        Assert.Equal(before + 3, await rspamd.LearnedAsync());
        Assert.Empty(trainer.Failures);
        await imap.DisconnectAsync(true);
    }


    private static MimeMessage Message(string subject, string body)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("carol@sender.test"));
        message.To.Add(MailboxAddress.Parse("bob@example.test"));
        message.Subject = subject;
        message.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId("sender.test");
        message.Body = new TextPart("plain") { Text = body };
        return message;
    }
}
