using System.Text;
using Microsoft.Extensions.Logging;

namespace MailKitServer.Diagnostics;

/// <summary>
/// Logs a session's protocol lines at trace level (category <c>MailKitServer.Transcript</c>), redacting credentials:
/// engines set <see cref="Redactor"/> for their syntax (e.g. <c>AUTH PLAIN &lt;redacted&gt;</c>) and
/// <see cref="SensitiveInput"/> while a SASL exchange is in progress.
/// </summary>
internal sealed class TranscriptLogger
{
    private readonly ILogger _logger;
    private readonly long _connectionId;

    internal TranscriptLogger(ILogger logger, long connectionId)
    {
        _logger = logger;
        _connectionId = connectionId;
    }

    /// <summary>Whether transcripts are being logged (trace level enabled).</summary>
    public bool IsEnabled => _logger.IsEnabled(LogLevel.Trace);

    /// <summary>Finds where a client line must be redacted (the engine's syntax); without one, lines are logged whole.</summary>
    public ITranscriptRedactor? Redactor { get; set; }

    /// <summary>While true, client lines are logged only as <c>&lt;redacted&gt;</c> (SASL responses).</summary>
    public bool SensitiveInput { get; set; }

    /// <summary>Logs a line from the client.</summary>
    /// <param name="line">The line without its terminator.</param>
    public void Client(ReadOnlySpan<byte> line)
    {
        if (!IsEnabled)
        {
            return;
        }

        string text;
        if (SensitiveInput)
        {
            text = "<redacted>";
        }
        else
        {
            var copy = line.ToArray();
            var from = Redactor?.Redact(copy) ?? -1;
            text = from >= 0 && from < copy.Length ? Decode(copy.AsSpan(0, from)) + "<redacted>" : Decode(copy);
        }

        RuntimeLog.TranscriptClient(_logger, _connectionId, text);
    }

    /// <summary>Logs octets sent to the client.</summary>
    /// <param name="data">The octets, possibly several lines.</param>
    public void Server(ReadOnlySpan<byte> data)
    {
        if (!IsEnabled)
        {
            return;
        }

        foreach (var line in Decode(data.Length > 4096 ? data[..4096] : data).Split("\r\n", StringSplitOptions.RemoveEmptyEntries))
        {
            RuntimeLog.TranscriptServer(_logger, _connectionId, line);
        }
    }

    /// <summary>Logs a note about the session (TLS started, line discarded).</summary>
    public void Note(string note)
    {
        if (IsEnabled)
        {
            RuntimeLog.TranscriptNote(_logger, _connectionId, note);
        }
    }

    private static string Decode(ReadOnlySpan<byte> bytes)
    {
        var text = Encoding.UTF8.GetString(bytes.Length > 2048 ? bytes[..2048] : bytes);
        return bytes.Length > 2048 ? text + "..." : text;
    }
}
