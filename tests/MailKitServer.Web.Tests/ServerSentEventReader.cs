using System.Diagnostics;
using System.Text;

namespace MailKitServer.Web.Tests;

/// <summary>Reads a text/event-stream response event by event (HTML Living Standard §9.2.6), bounded per line.</summary>
internal sealed class ServerSentEventReader(Stream stream) : IDisposable
{
    private readonly StreamReader _reader = new(stream, Encoding.UTF8);

    /// <summary>The next event: its type, data and when it arrived (Stopwatch timestamp).</summary>
    public async Task<(string Type, string Data, long At)> ReadAsync(CancellationToken cancellationToken)
    {
        string type = "message";
        var data = new StringBuilder();
        while (true)
        {
            var line = await _reader.ReadLineAsync(cancellationToken) ?? throw new EndOfStreamException("The event stream ended.");
            if (line.Length == 0)
            {
                if (data.Length > 0)
                {
                    return (type, data.ToString(), Stopwatch.GetTimestamp());
                }

                continue;
            }

            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                type = line[7..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data.Append(line[6..]);
            }
        }
    }

    public void Dispose() => _reader.Dispose();
}
