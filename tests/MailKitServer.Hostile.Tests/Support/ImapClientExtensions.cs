using MailKitServer.TestSupport;

namespace MailKitServer.Hostile.Tests.Support;

/// <summary>IMAP over a raw <see cref="LineClient"/>: commands that real clients never send, answers read line by line.</summary>
internal static class ImapClientExtensions
{
    /// <summary>Reads lines up to and including the one tagged <paramref name="tag"/>; fails if the connection ends first.</summary>
    public static async Task<List<string>> ReadTaggedAsync(this LineClient client, string tag)
    {
        var lines = new List<string>();
        while (true)
        {
            var line = await client.ReadLineAsync() ?? throw new IOException($"Connection closed before '{tag}' was answered. Got: " + string.Join(" | ", lines));
            lines.Add(line);
            if (line.StartsWith(tag + " ", StringComparison.Ordinal))
            {
                return lines;
            }
        }
    }

    /// <summary>Sends a command line (CRLF added) and returns its tagged answer (the last line; untagged ones before it are dropped).</summary>
    public static async Task<string> ImapAsync(this LineClient client, string tag, string command)
    {
        await client.SendAsync($"{tag} {command}\r\n");
        return (await client.ReadTaggedAsync(tag))[^1];
    }

    /// <summary>Reads the greeting and logs in.</summary>
    public static async Task LoginAsync(this LineClient client, string user = "alice@example.test", string password = "alice-pw")
    {
        var greeting = await client.ReadLineAsync();
        Assert.StartsWith("* OK", greeting, StringComparison.Ordinal);
        Assert.StartsWith("L1 OK", await client.ImapAsync("L1", $"LOGIN {user} {password}"), StringComparison.Ordinal);
    }
}
