using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKitServer.TestSupport;

namespace MailKitServer.Imap.Tests.Training;

/// <summary>
/// The training seam (<see cref="ImapOptions.JunkTrainer"/>) driven by MailKit's ImapClient: MOVE and COPY into the
/// \Junk mailbox are learned as spam, out of it as ham, into \Trash or between other mailboxes not at all; a trainer
/// that fails does not fail the command.
/// </summary>
public sealed class JunkTrainingTests
{
    [Fact]
    public async Task Moving_or_copying_into_Junk_is_spam_out_of_it_is_ham_and_into_Trash_is_nothing()
    {
        var trainer = new RecordingJunkTrainer();
        await using var server = await TestMailServer.StartAsync(imap: o => o.JunkTrainer = trainer);
        foreach (var subject in new[] { "one", "two", "three", "four" })
        {
            await server.AppendAsync("alice@example.test", $"Subject: {subject}\r\nFrom: x@sender.test\r\n\r\nbody of {subject}\r\n");
        }

        using var imap = new ImapClient();
        await imap.ConnectAsync("127.0.0.1", server.Imap.Port, MailKit.Security.SecureSocketOptions.None);
        await imap.AuthenticateAsync("alice@example.test", "alice-pw");
        Assert.True(imap.Capabilities.HasFlag(ImapCapabilities.Move));
        var junk = imap.GetFolder(SpecialFolder.Junk) ?? throw new InvalidOperationException("no \\Junk mailbox");
        var trash = imap.GetFolder(SpecialFolder.Trash) ?? throw new InvalidOperationException("no \\Trash mailbox");
        var archive = imap.GetFolder(SpecialFolder.Archive) ?? throw new InvalidOperationException("no \\Archive mailbox");
        var inbox = imap.Inbox;
        await inbox.OpenAsync(FolderAccess.ReadWrite);
        async Task<UniqueId> FindAsync(IMailFolder folder, string subject) => Assert.Single(await folder.SearchAsync(SearchQuery.SubjectContains(subject)));

        await inbox.MoveToAsync(await FindAsync(inbox, "one"), junk);
        await inbox.CopyToAsync(await FindAsync(inbox, "two"), junk);
        await inbox.MoveToAsync(await FindAsync(inbox, "three"), archive);
        Assert.Equal(["spam alice@example.test one", "spam alice@example.test two"], trainer.Calls);

        await junk.OpenAsync(FolderAccess.ReadWrite);
        await junk.MoveToAsync(await FindAsync(junk, "one"), inbox);
        await junk.MoveToAsync(await FindAsync(junk, "two"), trash);
        Assert.Equal("ham alice@example.test one", trainer.Calls[2]);
        Assert.Equal(3, trainer.Calls.Count);

        // Several at once (one UID MOVE): each is learned.
        await inbox.OpenAsync(FolderAccess.ReadWrite);
        await inbox.MoveToAsync(await inbox.SearchAsync(SearchQuery.All), junk);
        Assert.Equal(["spam alice@example.test four", "spam alice@example.test one", "spam alice@example.test two"], trainer.Calls.Skip(3).Order());
        await imap.DisconnectAsync(true);
    }

    [Fact]
    public async Task A_trainer_that_fails_leaves_the_move_done()
    {
        await using var server = await TestMailServer.StartAsync(imap: o => o.JunkTrainer = new RecordingJunkTrainer(fail: true));
        await server.AppendAsync("alice@example.test", "Subject: spam\r\n\r\nx\r\n");

        using var imap = new ImapClient();
        await imap.ConnectAsync("127.0.0.1", server.Imap.Port, MailKit.Security.SecureSocketOptions.None);
        await imap.AuthenticateAsync("alice@example.test", "alice-pw");
        await imap.Inbox.OpenAsync(FolderAccess.ReadWrite);
        var junk = imap.GetFolder(SpecialFolder.Junk) ?? throw new InvalidOperationException("no \\Junk mailbox");
        var moved = await imap.Inbox.MoveToAsync(new UniqueId(1), junk);
        Assert.NotNull(moved);
        Assert.Equal(0, imap.Inbox.Count);
        await junk.StatusAsync(StatusItems.Count);
        Assert.Equal(1, junk.Count);
        await imap.DisconnectAsync(true);
    }
}
