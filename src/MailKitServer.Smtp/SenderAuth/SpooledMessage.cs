using MimeKit;

namespace MailKitServer.Smtp.SenderAuth;

/// <summary>Parses a received message for the checks and signers with MimeKit, bounded and without throwing on bad input.</summary>
internal static class SpooledMessage
{
    /// <summary>
    /// Parses a message from a seekable stream (persistent: bodies stay in the stream rather than in memory, so the
    /// stream must outlive the message), nesting at most 64 MIME levels deep.
    /// </summary>
    /// <param name="stream">The message; seekable.</param>
    /// <param name="cancellationToken">Cancels the parse.</param>
    /// <returns>The message, or the parser's complaint when it is not one.</returns>
    public static async Task<(MimeMessage? Message, string? Error)> ParseAsync(Stream stream, CancellationToken cancellationToken)
    {
        try
        {
            var parser = new MimeParser(ParserOptions.Default.Clone(), stream, persistent: true);
            parser.Options.MaxMimeDepth = 64;
            return (await parser.ParseMessageAsync(cancellationToken).ConfigureAwait(false), null);
        }
        catch (Exception ex) when (ex is FormatException or ParseException)
        {
            return (null, ex.Message);
        }
    }
}
