using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using MailKitServer.TestSupport;

namespace MailKitServer.Interop.Tests.Imap;

/// <summary>MailKit's ImapClient (4.18.2) with METADATA (RFC 5464): mailbox and server annotations, DEPTH, MAXSIZE and the limits.</summary>
public class MailKitMetadataTests
{
    private static async Task<ImapClient> ConnectAsync(TestMailServer server, string user = "alice@example.test", string password = "alice-pw")
    {
        var client = new ImapClient();
        await client.ConnectAsync(server.Imap.Address.ToString(), server.Imap.Port, SecureSocketOptions.None);
        await client.AuthenticateAsync(user, password);
        return client;
    }

    [Fact]
    public async Task Mailkit_sets_and_reads_annotations()
    {
        {
            await using var server = await TestMailServer.StartAsync(
                imap: o =>
                {
                    o.ServerMetadataAdministrators.Add("bob@example.test");
                    o.AdministratorContact = new Uri("mailto:postmaster@example.test");
                    o.MetadataMaxValueSize = 2048;
                });
            using var alice = await ConnectAsync(server);
            Assert.True(alice.Capabilities.HasFlag(ImapCapabilities.Metadata));

            var archive = await alice.GetFolder(alice.PersonalNamespaces[0]).CreateAsync("Archive", isMessageFolder: true) ?? throw new InvalidOperationException("no folder");
            await archive.SetMetadataAsync(new MetadataCollection
            {
                new(MetadataTag.PrivateComment, "where old mail goes"),
                new(MetadataTag.SharedComment, "kept for ten years"),
                new(new MetadataTag("/private/vendor/example/sync/state"), "token-1"),
                new(new MetadataTag("/private/vendor/example/sync/when"), "yesterday"),
            });
            Assert.Equal("where old mail goes", await archive.GetMetadataAsync(MetadataTag.PrivateComment));
            Assert.Equal("kept for ten years", await archive.GetMetadataAsync(MetadataTag.SharedComment));

            // DEPTH 1 below the vendor entry; MAXSIZE reports the longest value left out.
            var below = await archive.GetMetadataAsync(new MetadataOptions { Depth = 1 }, [new MetadataTag("/private/vendor/example/sync")]);
            Assert.Equal(["token-1", "yesterday"], below.OrderBy(m => m.Tag.Id, StringComparer.Ordinal).Select(m => m.Value));
            var options = new MetadataOptions { MaxSize = 10 };
            var small = await archive.GetMetadataAsync(options, [MetadataTag.PrivateComment, new MetadataTag("/private/vendor/example/sync/state")]);
            Assert.Equal("token-1", Assert.Single(small).Value);
            Assert.Equal(19u, options.LongEntries);

            // Removing an entry (NIL), and a value over the server's limit refused.
            await archive.SetMetadataAsync(new MetadataCollection { new(MetadataTag.PrivateComment, null!) });
            Assert.Null(await archive.GetMetadataAsync(MetadataTag.PrivateComment));
            var tooBig = await Assert.ThrowsAsync<ImapCommandException>(() => archive.SetMetadataAsync(new MetadataCollection { new(MetadataTag.SharedComment, new string('x', 3000)) }));
            Assert.Equal(ImapCommandResponse.No, tooBig.Response);
            Assert.Equal("kept for ten years", await archive.GetMetadataAsync(MetadataTag.SharedComment));

            // Server annotations: bob (an administrator) sets the shared comment, alice reads it and may not change it.
            using (var bob = await ConnectAsync(server, "bob@example.test", "bob-pw"))
            {
                await bob.SetMetadataAsync(new MetadataCollection { new(MetadataTag.SharedComment, "Maintenance on Sunday") });
                await bob.DisconnectAsync(true);
            }

            Assert.Equal("Maintenance on Sunday", await alice.GetMetadataAsync(MetadataTag.SharedComment));
            await Assert.ThrowsAsync<ImapCommandException>(() => alice.SetMetadataAsync(new MetadataCollection { new(MetadataTag.SharedComment, "mine") }));
            Assert.Equal("mailto:postmaster@example.test", await alice.GetMetadataAsync(MetadataTag.SharedAdmin));
            await Assert.ThrowsAsync<ImapCommandException>(() => alice.SetMetadataAsync(new MetadataCollection { new(MetadataTag.SharedAdmin, "mailto:alice@example.test") }));
            await alice.SetMetadataAsync(new MetadataCollection { new(MetadataTag.PrivateComment, "note to self") });
            Assert.Equal("note to self", await alice.GetMetadataAsync(MetadataTag.PrivateComment));
            await alice.DisconnectAsync(true);
        }
    }
}
