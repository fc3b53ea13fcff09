using System.Diagnostics;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKit.Security;
using MailKitServer.TestSupport;
using MimeKit;
using Xunit.Abstractions;

namespace MailKitServer.Interop.Tests.Imap;

/// <summary>MailKit's ImapClient against our IMAP server: fetch, body parts, partial fetch, search, store, copy, move, append, IDLE.</summary>
public class MailKitImapClientTests(ITestOutputHelper output)
{
    private static readonly byte[] Attachment = Enumerable.Range(0, 5000).Select(i => (byte)(i * 7)).ToArray();

    private static MimeMessage Invoice(string subject)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Shop Ltd", "shop@remote.test"));
        message.To.Add(new MailboxAddress("Alice", "alice@example.test"));
        message.Subject = subject;
        message.MessageId = "invoice-" + subject.Replace(' ', '-') + "@remote.test";
        message.References.Add("order-1@remote.test");
        var body = new BodyBuilder { TextBody = "Your invoice is attached. Grüße!\n", HtmlBody = "<p>Your invoice is attached.</p>" };
        body.Attachments.Add("invoice.pdf", Attachment, new ContentType("application", "pdf"));
        message.Body = body.ToMessageBody();
        return message;
    }

    private static async Task<ImapClient> ConnectAsync(TestMailServer server)
    {
        var client = new ImapClient { ServerCertificateValidationCallback = (_, _, _, _) => true };
        await client.ConnectAsync("127.0.0.1", server.Imap.Port, SecureSocketOptions.StartTls);
        await client.AuthenticateAsync("alice@example.test", "alice-pw");
        return client;
    }

    [Fact]
    public async Task Append_then_fetch_every_summary_item_and_body_parts_byte_equal_to_what_was_sent()
    {
        await using var server = await TestMailServer.StartAsync();
        using var client = await ConnectAsync(server);
        var inbox = client.Inbox;
        await inbox.OpenAsync(FolderAccess.ReadWrite);
        var sent = Invoice("march");
        var uid = await inbox.AppendAsync(sent, MessageFlags.Seen);
        Assert.NotNull(uid);

        var items = MessageSummaryItems.UniqueId | MessageSummaryItems.Envelope | MessageSummaryItems.BodyStructure | MessageSummaryItems.Flags
            | MessageSummaryItems.InternalDate | MessageSummaryItems.Size | MessageSummaryItems.References | MessageSummaryItems.Headers | MessageSummaryItems.PreviewText;
        var summary = Assert.Single(await inbox.FetchAsync([uid.Value], items));
        Assert.Equal("march", summary.Envelope!.Subject);
        Assert.Equal("Shop Ltd", summary.Envelope.From.Mailboxes.Single().Name);
        Assert.Equal(sent.MessageId, summary.Envelope.MessageId);
        Assert.Equal(["order-1@remote.test"], summary.References);
        Assert.True(summary.Flags!.Value.HasFlag(MessageFlags.Seen));
        Assert.True(summary.Size > 5000);
        Assert.Equal(sent.Subject, summary.Headers![HeaderId.Subject]);
        Assert.StartsWith("Your invoice is attached.", summary.PreviewText, StringComparison.Ordinal);
        Assert.NotNull(summary.InternalDate);

        var pdf = Assert.Single(summary.Attachments);
        Assert.Equal("invoice.pdf", pdf.FileName);
        var part = (MimePart)await inbox.GetBodyPartAsync(uid.Value, pdf);
        using var decoded = new MemoryStream();
        await part.Content!.DecodeToAsync(decoded);
        Assert.Equal(Attachment, decoded.ToArray());
        var text = (TextPart)await inbox.GetBodyPartAsync(uid.Value, summary.TextBody!);
        Assert.Equal("Your invoice is attached. Grüße!\n", text.Text.Replace("\r\n", "\n", StringComparison.Ordinal));

        // MailKit APPENDs the message with CRLF line ends; what comes back must be those octets.
        var crlf = new FormatOptions { NewLineFormat = NewLineFormat.Dos };
        using var sentBytes = new MemoryStream();
        await sent.WriteToAsync(crlf, sentBytes);
        var whole = await inbox.GetMessageAsync(uid.Value);
        using var wholeBytes = new MemoryStream();
        await whole.WriteToAsync(crlf, wholeBytes);
        Assert.Equal(sentBytes.ToArray(), wholeBytes.ToArray());

        // Partial fetch: BODY.PEEK[]<100.50>.
        using var partial = await inbox.GetStreamAsync(uid.Value, 100, 50);
        using var partialCopy = new MemoryStream();
        await partial.CopyToAsync(partialCopy);
        Assert.Equal(sentBytes.ToArray()[100..150], partialCopy.ToArray());
        await client.DisconnectAsync(true);
    }

    [Fact]
    public async Task Search_store_copy_and_move()
    {
        await using var server = await TestMailServer.StartAsync();
        using var client = await ConnectAsync(server);
        var inbox = client.Inbox;
        await inbox.OpenAsync(FolderAccess.ReadWrite);
        var first = (await inbox.AppendAsync(Invoice("april")))!.Value;
        var second = (await inbox.AppendAsync(Invoice("may")))!.Value;

        Assert.Equal([second], await inbox.SearchAsync(SearchQuery.SubjectContains("may")));
        Assert.Equal([first, second], (await inbox.SearchAsync(SearchQuery.FromContains("shop@remote.test").And(SearchQuery.BodyContains("Grüße")))).OrderBy(u => u.Id));
        Assert.Empty(await inbox.SearchAsync(SearchQuery.Seen));

        await inbox.AddFlagsAsync(first, MessageFlags.Flagged | MessageFlags.Seen, silent: false);
        await inbox.StoreAsync(first, new StoreFlagsRequest(StoreAction.Add, MessageFlags.None) { Keywords = { "$Invoice" }, Silent = true });
        Assert.Equal([first], await inbox.SearchAsync(SearchQuery.Flagged));
        Assert.Equal([first], await inbox.SearchAsync(SearchQuery.HasKeyword("$Invoice")));

        var archive = await client.GetFolder(client.PersonalNamespaces[0]).CreateAsync("Archive", isMessageFolder: true) ?? throw new InvalidOperationException("CREATE gave no folder");
        var copied = await inbox.CopyToAsync(first, archive);
        Assert.NotNull(copied);
        var moved = await inbox.MoveToAsync(second, archive);
        Assert.NotNull(moved);
        Assert.Equal(1, inbox.Count);

        await archive.OpenAsync(FolderAccess.ReadOnly);
        Assert.Equal(2, archive.Count);
        var subjects = (await archive.FetchAsync(0, -1, MessageSummaryItems.Envelope)).Select(s => s.Envelope!.Subject).Order(StringComparer.Ordinal);
        Assert.Equal(["april", "may"], subjects);
        await client.DisconnectAsync(true);
    }

    [Fact]
    public async Task Idle_sees_a_new_message_delivered_over_smtp()
    {
        await using var server = await TestMailServer.StartAsync();
        using var client = await ConnectAsync(server);
        Assert.True(client.Capabilities.HasFlag(ImapCapabilities.Idle));
        var inbox = client.Inbox;
        await inbox.OpenAsync(FolderAccess.ReadOnly);
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        inbox.CountChanged += (_, _) => arrived.TrySetResult();
        using var done = new CancellationTokenSource();
        var idle = client.IdleAsync(done.Token);

        var clock = Stopwatch.StartNew();
        using (var smtp = new MailKit.Net.Smtp.SmtpClient())
        {
            await smtp.ConnectAsync("127.0.0.1", server.Smtp.Port, SecureSocketOptions.None);
            await smtp.SendAsync(Invoice("june"));
            await smtp.DisconnectAsync(true);
        }

        var sentAt = clock.Elapsed;
        await arrived.Task.WaitAsync(TimeSpan.FromSeconds(10));
        output.WriteLine($"CountChanged {(clock.Elapsed - sentAt).TotalMilliseconds:F1} ms after the SMTP session ended");
        await done.CancelAsync();
        await idle;
        Assert.Equal(1, inbox.Count);
        await client.DisconnectAsync(true);
    }
}
