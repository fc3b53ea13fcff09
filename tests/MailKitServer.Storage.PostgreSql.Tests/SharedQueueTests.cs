using System.Text;
using MailKit.Net.Smtp;
using MailKit.Security;
using MailKitServer.Delivery;
using MailKitServer.Smtp.Outbound.Queue;
using MailKitServer.Dns;
using MailKitServer.TestSupport;
using MimeKit;

namespace MailKitServer.Storage.PostgreSql.Tests;

/// <summary>The outbound queue shared by nodes: claims, leases and take-over of a dead node's messages.</summary>
[Collection("postgres")]
public sealed class SharedQueueTests(PostgresFixture fixture)
{
    private static QueuedMessage Entry(string id) => new()
    {
        Id = id,
        ReversePath = "ann@example.test",
        Recipients = [new QueuedRecipient { Address = "someone@b.test" }],
        ArrivedAt = DateTimeOffset.UtcNow,
        NextAttemptAt = DateTimeOffset.UtcNow,
    };

    private static MemoryStream Content(string subject) => new(Encoding.ASCII.GetBytes($"From: ann@example.test\r\nTo: someone@b.test\r\nSubject: {subject}\r\n\r\nqueued\r\n"));

    [Fact]
    public async Task A_claimed_entry_is_not_given_to_another_node_until_released_or_expired()
    {
        var db = await fixture.Server.CreateDatabaseAsync();
        await using var nodeA = await PostgresFixture.OpenAsync(db, o => o.NodeName = "a");
        await using var nodeB = await PostgresFixture.OpenAsync(db, o => o.NodeName = "b");
        var a = nodeA.QueueStore;
        var b = nodeB.QueueStore;

        var size = await a.AddAsync(Entry("q1"), Content("one"), default);
        Assert.Equal(Content("one").Length, size);
        Assert.Null(await b.TryClaimAsync("q1", default));           // A enqueued it and holds it
        Assert.Empty(await b.LoadDueAsync(DateTimeOffset.UtcNow, default));
        Assert.NotNull(await a.TryClaimAsync("q1", default));        // its own claim again
        Assert.True(await a.RenewAsync("q1", default));

        var state = Entry("q1");
        state.Attempts = 1;
        state.Recipients[0].Status = "4.4.1";
        await a.UpdateAsync(state, default);                          // saving the outcome releases the claim
        var taken = await b.TryClaimAsync("q1", default);
        Assert.Equal(1, taken!.Attempts);
        Assert.Equal("4.4.1", taken.Recipients[0].Status);
        Assert.False(await a.RenewAsync("q1", default));             // A lost it to B
        await a.UpdateAsync(Entry("q1"), default);                   // and a stale save of A changes nothing
        Assert.Equal(1, (await b.TryClaimAsync("q1", default))!.Attempts);

        await using (var content = await b.OpenContentAsync("q1", default))
        {
            Assert.Equal("queued", (await new StreamReader(content!).ReadToEndAsync()).Split("\r\n\r\n")[1].Trim());
        }

        await b.RemoveAsync("q1", default);
        Assert.Null(await b.OpenContentAsync("q1", default));
        Assert.Empty(await a.LoadAsync(default));
        Assert.Equal("0", (await fixture.Server.PsqlAsync(db.Split("Database=")[1].Split(';')[0], "SELECT count(*) FROM mks_contents")).Stdout.Trim());
    }

    [Fact]
    public async Task Only_one_of_many_concurrent_claims_wins()
    {
        var db = await fixture.Server.CreateDatabaseAsync();
        await using var dead = await PostgresFixture.OpenAsync(db, o => { o.NodeName = "dead"; o.QueueLease = TimeSpan.Zero; });
        await dead.QueueStore.AddAsync(Entry("q2"), Content("two"), default);
        var nodes = new List<PostgresMailDatabase>();
        try
        {
            for (var i = 0; i < 6; i++)
            {
                nodes.Add(await PostgresFixture.OpenAsync(db, o => o.NodeName = "n" + i));
            }

            var claims = await Task.WhenAll(nodes.Select(n => n.QueueStore.TryClaimAsync("q2", default).AsTask()));
            Assert.Single(claims, c => c is not null);
        }
        finally
        {
            foreach (var n in nodes)
            {
                await n.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_dead_nodes_message_is_taken_over_and_delivered_once_by_a_live_node()
    {
        var db = await fixture.Server.CreateDatabaseAsync();
        await using var receiver = await RemoteReceiver.StartAsync();
        var dns = new StaticDnsResolver().AddMx("b.test", 10, "mx.b.test").AddAddress("mx.b.test", RemoteReceiver.Address);

        // A node that queued a message and died before trying it: its lease has run out.
        await using (var dead = await PostgresFixture.OpenAsync(db, o => { o.NodeName = "dead"; o.QueueLease = TimeSpan.Zero; }))
        {
            await dead.QueueStore.AddAsync(Entry("orphan"), Content("left behind"), default);
        }

        await using var a = await PostgresNode.StartAsync(db, "node-a", o => o.QueuePollInterval = TimeSpan.FromMilliseconds(100), (dns, receiver.Port));
        await using var b = await PostgresNode.StartAsync(db, "node-b", o => o.QueuePollInterval = TimeSpan.FromMilliseconds(100), (dns, receiver.Port));
        await a.Database.Directory.AddUserAsync("ann@example.test", "ann-pw");

        // And one sent by a user through node A's submission port.
        using (var smtp = new SmtpClient())
        {
            await smtp.ConnectAsync(a.Submission.Address.ToString(), a.Submission.Port, SecureSocketOptions.None);
            await smtp.AuthenticateAsync("ann@example.test", "ann-pw");
            await smtp.SendAsync(new MimeMessage([MailboxAddress.Parse("ann@example.test")], [MailboxAddress.Parse("someone@b.test")], "submitted", new TextPart("plain") { Text = "hi" }));
            await smtp.DisconnectAsync(true);
        }

        Assert.Equal(2, await receiver.WaitForCountAsync(2));
        Assert.True(await a.Queue.WaitUntilEmptyAsync(TimeSpan.FromSeconds(20)));
        Assert.True(await b.Queue.WaitUntilEmptyAsync(TimeSpan.FromSeconds(20)));
        Assert.Empty(await a.Database.QueueStore.LoadAsync(default));
        Assert.Equal(2, await receiver.CountAsync());
    }
}
