using System.Globalization;
using MailKitServer.Smtp.Outbound.Queue;

namespace MailKitServer.Host;

/// <summary>The "queue" command: prints the outbound queue of a Maildir store's directory, as Postfix's mailq does.</summary>
internal static class QueueListing
{
    public static async Task<int> RunAsync(string directory)
    {
        if (!Directory.Exists(directory))
        {
            Console.WriteLine($"queue {directory}: empty (no queue directory)");
            return 0;
        }

        var entries = await new FileQueueStore(directory).PeekAsync();
        Console.WriteLine($"queue {directory}: {entries.Count} message(s)");
        foreach (var m in entries)
        {
            Console.WriteLine($"{m.Id}  {m.Size,9} octets  {m.ArrivedAt.ToString("u", CultureInfo.InvariantCulture)}  <{m.ReversePath}>  attempts {m.Attempts}, next {m.NextAttemptAt.ToString("u", CultureInfo.InvariantCulture)}");
            foreach (var r in m.Recipients)
            {
                Console.WriteLine($"    {r.State.ToString().ToLowerInvariant(),-9} <{r.Address}> {r.Status} {r.Diagnostic}".TrimEnd());
            }
        }

        return 0;
    }
}
