using MailKitServer.Runtime;

namespace MailKitServer.Sasl;

/// <summary>The wire side of a SASL exchange that SMTP (334), POP3 and IMAP (+) share: send a challenge, read the answer unlogged.</summary>
internal static class SaslConversation
{
    /// <summary>Sends a challenge and reads the client's response; the response never reaches the transcript.</summary>
    /// <param name="connection">The client's connection: the challenge is flushed to it before the response is read.</param>
    /// <param name="prefix">The protocol's continuation prefix: "334 " for SMTP, "+ " for POP3 and IMAP.</param>
    /// <param name="challenge">The challenge octets (sent base64-encoded).</param>
    /// <param name="maxLength">The longest response line.</param>
    /// <returns>The decoded response, or why there is none.</returns>
    public static async ValueTask<(SaslResponseStatus Status, byte[] Data)> ChallengeAsync(MailConnection connection, string prefix, byte[] challenge, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(connection);
        connection.Write(prefix + Convert.ToBase64String(challenge) + "\r\n");
        connection.Transcript.SensitiveInput = true;
        LineReadResult read;
        try
        {
            read = await connection.ReadLineAsync(maxLength, honourShutdown: false).ConfigureAwait(false);
        }
        finally
        {
            connection.Transcript.SensitiveInput = false;
        }

        // The mechanism checks the answer next (a PBKDF2 hash, a directory): not on a socket engine's thread.
        await ThreadPoolHop.LeaveSocketThreadAsync().ConfigureAwait(false);

        switch (read.Status)
        {
            case LineReadStatus.Line:
                var text = System.Text.Encoding.ASCII.GetString(read.Line.Span);
                if (text == "*")
                {
                    return (SaslResponseStatus.Cancelled, []);
                }

                return SaslMechanisms.TryDecodeResponse(text, out var data) ? (SaslResponseStatus.Response, data) : (SaslResponseStatus.Invalid, []);
            case LineReadStatus.TooLong:
                return (SaslResponseStatus.TooLong, []);
            default:
                return (SaslResponseStatus.ConnectionLost, []);
        }
    }
}
