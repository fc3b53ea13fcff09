using System.Text;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Search;
using MailKitServer.TestSupport;

namespace MailKitServer.Sieve.Tests.Delivery;

/// <summary>Scripts run at final delivery: mail sent with MailKit's SMTP client lands where the script says, seen with MailKit's IMAP client.</summary>
public sealed class SieveDeliveryTests
{
    private const string InvoiceScript = """
        require ["fileinto", "mailbox", "imap4flags"];
        if header :contains "subject" "invoice" {
            fileinto :create :flags "\\Flagged" "Invoices";
            stop;
        }
        """;

    [Fact]
    public async Task Fileinto_create_files_matching_mail_into_a_new_flagged_folder_and_keeps_the_rest()
    {
        await using var server = await SieveServer.StartAsync();
        await server.ActivateAsync("bob@example.test", InvoiceScript);
        await server.SendAsync("alice@example.test", "bob@example.test", "Invoice 42 for November");
        await server.SendAsync("alice@example.test", "bob@example.test", "Lunch?");

        using var imap = await server.ImapAsync("bob@example.test", "bob-pw");
        var invoices = await imap.GetFolderAsync("Invoices");
        Assert.Contains((await imap.GetFoldersAsync(imap.PersonalNamespaces[0], StatusItems.None, subscribedOnly: true)), f => f.FullName == "Invoices");
        await invoices.OpenAsync(FolderAccess.ReadOnly);
        Assert.Equal(1, invoices.Count);
        var summary = (await invoices.FetchAsync(0, -1, MessageSummaryItems.Envelope | MessageSummaryItems.Flags))[0];
        Assert.Equal("Invoice 42 for November", summary.Envelope!.Subject);
        Assert.True(summary.Flags!.Value.HasFlag(MessageFlags.Flagged));
        await invoices.CloseAsync();

        var inbox = imap.Inbox;
        await inbox.OpenAsync(FolderAccess.ReadOnly);
        Assert.Equal(1, inbox.Count);
        Assert.Equal("Lunch?", (await inbox.GetMessageAsync(0)).Subject);
        await imap.DisconnectAsync(true);
    }

    [Fact]
    public async Task A_user_without_a_script_and_a_script_that_does_not_compile_both_keep_mail_in_INBOX()
    {
        await using var server = await SieveServer.StartAsync();
        await server.Scripts.PutAsync("bob@example.test", "broken", "if frobnicate { discard; }", default);
        await server.Scripts.SetActiveAsync("bob@example.test", "broken", default);
        await server.SendAsync("bob@example.test", "alice@example.test", "to alice");
        await server.SendAsync("alice@example.test", "bob@example.test", "to bob");
        Assert.Single(await server.Server.InboxAsync("alice@example.test"));
        Assert.Single(await server.Server.InboxAsync("bob@example.test"));
    }

    [Fact]
    public async Task A_redirect_to_a_thousand_addresses_is_bounded_at_run_time_and_the_message_is_kept_in_INBOX()
    {
        await using var server = await SieveServer.StartAsync();
        var script = new StringBuilder("require \"fileinto\";\r\nfileinto \"Elsewhere\";\r\n");
        for (var i = 0; i < 1000; i++)
        {
            script.Append("redirect \"r").Append(i).Append("@example.test\";\r\n");
        }

        await server.ActivateAsync("bob@example.test", script.ToString());
        await server.SendAsync("alice@example.test", "bob@example.test", "many");
        var inbox = await server.Server.InboxAsync("bob@example.test");
        Assert.Single(inbox);
        Assert.Contains("Subject: many", Encoding.UTF8.GetString(inbox[0]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_include_cycle_is_an_error_at_run_time_and_the_message_is_kept()
    {
        await using var server = await SieveServer.StartAsync();
        await server.Scripts.PutAsync("bob@example.test", "a", "require \"include\"; include \"b\";", default);
        await server.Scripts.PutAsync("bob@example.test", "b", "require [\"include\", \"fileinto\"]; fileinto \"Loop\"; include \"a\";", default);
        await server.Scripts.SetActiveAsync("bob@example.test", "a", default);
        await server.SendAsync("alice@example.test", "bob@example.test", "cycle");
        Assert.Single(await server.Server.InboxAsync("bob@example.test"));
    }

    [Fact]
    public async Task Reject_refuses_the_message_over_SMTP_with_the_scripts_reason_and_stores_nothing()
    {
        await using var server = await SieveServer.StartAsync();
        await server.ActivateAsync("bob@example.test", "require \"reject\"; if header :contains \"subject\" \"buy\" { reject \"No adverts, please.\"; }");
        var ex = await Assert.ThrowsAsync<SmtpCommandException>(() => server.SendAsync("alice@example.test", "bob@example.test", "buy now"));
        Assert.Equal(550, (int)ex.StatusCode);
        Assert.Contains("No adverts, please.", ex.Message, StringComparison.Ordinal);
        Assert.Empty(await server.Server.InboxAsync("bob@example.test"));
        Assert.Empty(await server.Server.InboxAsync("alice@example.test"));
    }

    [Fact]
    public async Task Reject_for_one_of_two_recipients_accepts_the_message_and_sends_the_sender_a_notice()
    {
        await using var server = await SieveServer.StartAsync();
        server.Server.Directory.AddUser("carol@example.test", "carol-pw");
        await server.ActivateAsync("bob@example.test", "require \"reject\"; reject \"Not here.\";");
        await server.SendAsync("alice@example.test", "bob@example.test", "hello both", change: m => m.To.Add(MimeKit.MailboxAddress.Parse("carol@example.test")));
        Assert.Empty(await server.Server.InboxAsync("bob@example.test"));
        Assert.Single(await server.Server.InboxAsync("carol@example.test"));
        var notice = Encoding.UTF8.GetString(Assert.Single(await server.Server.InboxAsync("alice@example.test")));
        Assert.Contains("Return-Path: <>", notice, StringComparison.Ordinal);
        Assert.Contains("disposition-notification", notice, StringComparison.Ordinal);
        Assert.Contains("Not here.", notice, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Python_LMTP_gets_a_refusal_for_the_rejecting_recipient_and_acceptance_for_the_other()
    {
        await using var server = await SieveServer.StartAsync();
        await server.ActivateAsync("bob@example.test", "require \"ereject\"; ereject \"Bob is not taking mail.\";");
        var script = $$"""
            import smtplib, sys
            c = smtplib.LMTP("127.0.0.1", {{server.Server.Lmtp.Port}})
            c.ehlo("client.test")
            c.mail("carol@x.test")
            print("RCPT", c.rcpt("alice@example.test")[0], c.rcpt("bob@example.test")[0])
            # LMTP (RFC 2033 §4.2): one reply per recipient after the data; smtplib reads the first, getreply the next.
            print("alice", c.data(b"Subject: lmtp\r\n\r\nbody\r\n"))
            print("bob", c.getreply())
            c.quit()
            """;
        var result = await ExternalTool.RunAsync("python3", ["-c", script]);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("RCPT 250 250", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("alice (250,", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("bob (550, b'5.7.1 <bob@example.test> Bob is not taking mail.')", result.Stdout, StringComparison.Ordinal);
        Assert.Single(await server.Server.InboxAsync("alice@example.test"));
        Assert.Empty(await server.Server.InboxAsync("bob@example.test"));
    }

    [Fact]
    public async Task Discard_and_editheader_change_what_is_stored()
    {
        await using var server = await SieveServer.StartAsync();
        await server.ActivateAsync("bob@example.test", """
            require ["editheader", "fileinto"];
            if header :contains "subject" "spam" { discard; stop; }
            addheader "X-Filed-By" "sieve";
            deleteheader "X-Internal";
            """);
        await server.SendAsync("alice@example.test", "bob@example.test", "spam spam");
        await server.SendAsync("alice@example.test", "bob@example.test", "real", change: m => m.Headers.Add("X-Internal", "secret"));
        var stored = Encoding.UTF8.GetString(Assert.Single(await server.Server.InboxAsync("bob@example.test")));
        Assert.Contains("X-Filed-By: sieve", stored, StringComparison.Ordinal);
        Assert.DoesNotContain("X-Internal", stored, StringComparison.Ordinal);
        Assert.Contains("Subject: real", stored, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Searching_the_filed_folder_over_IMAP_finds_the_keyword_the_script_set()
    {
        await using var server = await SieveServer.StartAsync();
        await server.ActivateAsync("bob@example.test", """
            require ["fileinto", "imap4flags", "variables"];
            if address :domain :is "from" "example.test" { addflag "$Colleague"; }
            if header :matches "subject" "[*] *" { fileinto "Lists/${1}"; }
            """);
        using (var imapSetup = await server.ImapAsync("bob@example.test", "bob-pw"))
        {
            await imapSetup.GetFolder(imapSetup.PersonalNamespaces[0]).CreateAsync("Lists", false);
            await (await imapSetup.GetFolderAsync("Lists")).CreateAsync("dev", true);
            await imapSetup.DisconnectAsync(true);
        }

        await server.SendAsync("alice@example.test", "bob@example.test", "[dev] release 1.0 is out");
        using var imap = await server.ImapAsync("bob@example.test", "bob-pw");
        var folder = await imap.GetFolderAsync("Lists/dev");
        await folder.OpenAsync(FolderAccess.ReadOnly);
        var uids = await folder.SearchAsync(SearchQuery.HasKeyword("$Colleague"));
        Assert.Single(uids);
        await imap.DisconnectAsync(true);
    }
}
