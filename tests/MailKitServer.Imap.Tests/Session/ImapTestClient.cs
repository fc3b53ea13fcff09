using MailKitServer.TestSupport;

namespace MailKitServer.Imap.Tests.Session;

/// <summary>IMAP helpers over a raw line client: logging in, and a command's tagged reply with its untagged lines.</summary>
internal static class ImapTestClient
{
    public static async Task<LineClient> LoginAsync(TestMailServer server, string user = "alice@example.test", string password = "alice-pw")
    {
        var client = await LineClient.ConnectAsync(server.Imap);
        var greeting = await client.ReadLineAsync();
        Assert.StartsWith("* OK [CAPABILITY IMAP4rev1 IMAP4rev2 ", greeting, StringComparison.Ordinal);
        Assert.StartsWith("a OK [CAPABILITY", await TaggedAsync(client, $"a LOGIN {user} {password}"), StringComparison.Ordinal);
        return client;
    }

    /// <summary>Sends a command and returns the tagged line; untagged lines go to <paramref name="untagged"/>.</summary>
    public static async Task<string> TaggedAsync(LineClient client, string command, List<string>? untagged = null)
    {
        await client.SendAsync(command + "\r\n");
        var tag = command.Split(' ')[0];
        while (true)
        {
            var line = await client.ReadLineAsync() ?? throw new IOException("closed");
            if (line.StartsWith(tag + " ", StringComparison.Ordinal))
            {
                return line;
            }

            untagged?.Add(line);
        }
    }

    /// <summary>Sends a command that must succeed and returns its untagged lines.</summary>
    public static async Task<List<string>> UntaggedAsync(LineClient client, string command)
    {
        var untagged = new List<string>();
        var tagged = await TaggedAsync(client, command, untagged);
        Assert.StartsWith(command.Split(' ')[0] + " OK", tagged, StringComparison.Ordinal);
        return untagged;
    }
}
