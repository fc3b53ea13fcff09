using MailKitServer.Smtp.Session;

namespace MailKitServer.Smtp.Tests.Session;

/// <summary>Queue ids: the form the "queued as" reply shows, and never one twice in a process.</summary>
public sealed class QueueIdTests
{
    [Fact]
    public void Ids_are_12_hex_digits_and_never_repeat_across_threads()
    {
        var ids = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.For(0, 8, _ =>
        {
            for (var i = 0; i < 10_000; i++)
            {
                ids.Add(QueueId.Next());
            }
        });

        Assert.Equal(80_000, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.All(ids.Take(100), id => Assert.Matches("^[0-9A-F]{12}$", id));
    }
}
