using System.Text.RegularExpressions;
using MailKitServer.Hostile.Tests.Support;
using MailKitServer.TestSupport;

namespace MailKitServer.Hostile.Tests.Idle;

/// <summary>
/// Issue 15 item 10: during IDLE the session pushes updates from the store's change feed while a read of DONE is
/// pending, and that read flushes pending output when a packet brings part of the line. Both write to one connection:
/// the output must come out whole, in order, whatever the timing.
/// </summary>
public sealed partial class IdleOutputRaceTests
{
    [Fact]
    public async Task DONE_split_across_packets_during_a_stream_of_deliveries_leaves_a_transcript_that_parses()
    {
        await using var server = await TestMailServer.StartAsync();
        await using var client = await LineClient.ConnectAsync(server.Imap);
        await client.LoginAsync();
        Assert.StartsWith("s OK", await client.ImapAsync("s", "SELECT INBOX"), StringComparison.Ordinal);

        using var stop = new CancellationTokenSource();
        var delivered = 0;
        var deliveries = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await server.AppendAsync("alice@example.test", "Subject: push\r\n\r\nx\r\n");
                Interlocked.Increment(ref delivered);
            }
        });

        var exists = 0;
        try
        {
            for (var round = 0; round < 150; round++)
            {
                await client.SendAsync($"i{round} IDLE\r\n");
                var first = await client.ReadLineAsync();
                while (first is not null && first.StartsWith("* ", StringComparison.Ordinal))
                {
                    exists = Check(first, exists);
                    first = await client.ReadLineAsync();
                }

                Assert.Equal("+ idling", first);

                // "DONE" one octet per packet: every packet wakes the pending read, which flushes what is queued.
                foreach (var octet in "DONE\r\n")
                {
                    await client.SendAsync(octet.ToString());
                }

                var lines = await client.ReadTaggedAsync($"i{round}");
                Assert.Equal($"i{round} OK IDLE terminated", lines[^1]);
                foreach (var line in lines.SkipLast(1))
                {
                    exists = Check(line, exists);
                }
            }
        }
        finally
        {
            await stop.CancelAsync();
            await deliveries;
        }

        // Every delivery is seen, none twice, with the counts in order.
        Assert.StartsWith("n OK", await client.ImapAsync("n", "NOOP"), StringComparison.Ordinal);
        Assert.True(Volatile.Read(ref delivered) > 0);
    }

    /// <summary>Each line is a whole untagged response; EXISTS never goes down.</summary>
    private static int Check(string line, int exists)
    {
        var match = Untagged().Match(line);
        Assert.True(match.Success, $"not a whole untagged response: '{line}'");
        if (match.Groups[2].Value == "EXISTS")
        {
            var n = int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(n > exists, $"EXISTS went from {exists} to {n}");
            return n;
        }

        return exists;
    }

    [GeneratedRegex(@"^\* (\d+) (EXISTS|RECENT)$")]
    private static partial Regex Untagged();
}
