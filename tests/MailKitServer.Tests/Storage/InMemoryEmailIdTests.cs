using System.Text.RegularExpressions;
using MailKitServer.Storage.InMemory;

namespace MailKitServer.Tests.Storage;

/// <summary>The in-memory store's EMAILIDs (RFC 8474 §5.1): the form the IMAP layer announces, and never one twice.</summary>
public sealed class InMemoryEmailIdTests
{
    [Fact]
    public void Ids_are_M_and_24_hex_digits_and_never_repeat_across_threads()
    {
        var ids = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.For(0, 8, _ =>
        {
            for (var i = 0; i < 10_000; i++)
            {
                ids.Add(InMemoryMessage.NewEmailId());
            }
        });

        Assert.Equal(80_000, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.All(ids.Take(100), id => Assert.Matches(new Regex("^M[0-9a-f]{24}$"), id));
    }
}
