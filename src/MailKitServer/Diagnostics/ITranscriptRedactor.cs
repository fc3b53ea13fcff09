namespace MailKitServer.Diagnostics;

/// <summary>
/// Finds where a client line must be redacted in the transcript (<see cref="TranscriptLogger.Redactor"/>). An
/// interface rather than a delegate: a session that redacts with state of its own (IMAP counts arguments across
/// literals) is its own redactor, with no delegate allocated for every connection.
/// </summary>
internal interface ITranscriptRedactor
{
    /// <summary>Returns the offset in a client line from which it must be redacted, or -1 to log it whole.</summary>
    /// <param name="line">The line without its terminator.</param>
    /// <returns>The offset, or -1.</returns>
    int Redact(ReadOnlyMemory<byte> line);
}
