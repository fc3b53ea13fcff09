using System.Text;
using MailKitServer.TestSupport;

namespace MailKitServer.Imap.Tests.Support;

/// <summary>Raw IMAP exchanges over a <see cref="LineClient"/>, for tests that compare our octets with a Dovecot's.</summary>
internal static class RawImapExchange
{
    /// <summary>Sends a command (or nothing, to finish one already sent) and reads to its tagged line, gathering the untagged ones.</summary>
    /// <returns>The tagged line.</returns>
    public static async Task<string> TaggedAsync(LineClient client, string? command, List<string>? untagged = null, string tag = "p")
    {
        if (command is not null)
        {
            await client.SendAsync(command + "\r\n");
            tag = command.Split(' ')[0];
        }

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

    /// <summary>Sends a command ending in a synchronizing literal: waits for the continuation, then sends the octets.</summary>
    public static async Task LiteralAsync(LineClient client, string command, byte[] literal, bool literal8 = false)
    {
        await client.SendAsync([.. Encoding.ASCII.GetBytes($"{command} {(literal8 ? "~" : string.Empty)}{{{literal.Length}}}\r\n")]);
        Assert.StartsWith("+", await client.ReadLineAsync(), StringComparison.Ordinal);
        await client.SendAsync([.. literal, .. "\r\n"u8.ToArray()]);
    }
}
