using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using MailKitServer.TestSupport;
using MimeKit;

namespace MailKitServer.Interop.Tests.Imap;

/// <summary>
/// MailKit's ImapClient (4.18.2) with REPLACE (RFC 8508), PREVIEW (RFC 8970), COMPRESS=DEFLATE (RFC 4978) and QUOTA
/// (RFC 9208).
/// </summary>
public class MailKitExtensionsTests
{
    private static MimeMessage Draft(string subject, string text) =>
        new() { From = { MailboxAddress.Parse("alice@example.test") }, Subject = subject, Body = new TextPart("plain") { Text = text } };

    private static async Task<ImapClient> ConnectAsync(TestMailServer server, string user = "alice@example.test", string password = "alice-pw")
    {
        var client = new ImapClient();
        await client.ConnectAsync(server.Imap.Address.ToString(), server.Imap.Port, SecureSocketOptions.None);
        await client.AuthenticateAsync(user, password);
        return client;
    }

    [Fact]
    public async Task Mailkit_replaces_a_draft_and_reads_previews_over_a_compressed_connection()
    {
        await using var server = await TestMailServer.StartAsync();
        using var client = await ConnectAsync(server);
        Assert.True(client.Capabilities.HasFlag(ImapCapabilities.Compress));
        await client.CompressAsync();

        var drafts = await client.GetFolderAsync("Drafts");
        var first = await drafts.AppendAsync(Draft("plan", "First version of the plan."), MessageFlags.Draft);
        await drafts.OpenAsync(FolderAccess.ReadWrite);
        Assert.True(client.Capabilities.HasFlag(ImapCapabilities.Replace));
        var second = await drafts.ReplaceAsync(first!.Value, new ReplaceRequest(Draft("plan", "Second version, with more detail."), MessageFlags.Draft | MessageFlags.Seen));
        Assert.NotNull(second);
        Assert.NotEqual(first, second);

        Assert.True(client.Capabilities.HasFlag(ImapCapabilities.Preview));
        var summary = Assert.Single(await drafts.FetchAsync(0, -1, MessageSummaryItems.UniqueId | MessageSummaryItems.Flags | MessageSummaryItems.PreviewText));
        Assert.Equal(second, summary.UniqueId);
        Assert.Equal("Second version, with more detail.", summary.PreviewText);
        Assert.True(summary.Flags!.Value.HasFlag(MessageFlags.Draft | MessageFlags.Seen));
        await client.DisconnectAsync(true);
    }

    [Fact]
    public async Task Mailkit_reads_the_quota_an_administrator_set()
    {
        await using var server = await TestMailServer.StartAsync(imap: o => o.QuotaAdministrators.Add("bob@example.test"));
        await using (var bob = await LineClient.ConnectAsync(server.Imap))
        {
            await bob.ReadLineAsync();
            Assert.StartsWith("a OK", await bob.CommandAsync("a LOGIN bob@example.test bob-pw"), StringComparison.Ordinal);
            Assert.Equal("* QUOTA \"alice@example.test\" (STORAGE 0 100 MESSAGE 0 10)", await bob.CommandAsync("s SETQUOTA \"alice@example.test\" (STORAGE 100 MESSAGE 10)"));
        }

        using var client = await ConnectAsync(server);
        Assert.True(client.Capabilities.HasFlag(ImapCapabilities.Quota));
        await client.Inbox!.AppendAsync(Draft("hello", new string('x', 3000)));
        var quota = await client.Inbox.GetQuotaAsync();
        Assert.Equal(100u, quota.StorageLimit);
        Assert.Equal(10u, quota.MessageLimit);
        Assert.Equal(1u, quota.CurrentMessageCount);
        Assert.InRange(quota.CurrentStorageSize!.Value, 3u, 5u);
        await client.DisconnectAsync(true);
    }

    [Fact]
    public async Task Mailkit_reads_the_quota_the_directory_sets_and_an_append_past_it_is_refused()
    {
        await using var server = await TestMailServer.StartAsync();
        server.Directory.SetQuota("alice@example.test", new MailKitServer.Users.UserQuota(StorageLimitBytes: 5 * 1024, MessageLimit: 10));
        using var client = await ConnectAsync(server);
        await client.Inbox!.AppendAsync(Draft("hello", new string('x', 3000)));
        var quota = await client.Inbox.GetQuotaAsync();
        Assert.Equal(5u, quota.StorageLimit);
        Assert.Equal(10u, quota.MessageLimit);
        Assert.Equal(1u, quota.CurrentMessageCount);

        var refused = await Assert.ThrowsAsync<ImapCommandException>(() => client.Inbox.AppendAsync(Draft("again", new string('y', 3000))));
        Assert.Equal(ImapCommandResponse.No, refused.Response);
        await client.Inbox.OpenAsync(FolderAccess.ReadOnly);
        Assert.Equal(1, client.Inbox.Count);
        await client.DisconnectAsync(true);
    }
}
