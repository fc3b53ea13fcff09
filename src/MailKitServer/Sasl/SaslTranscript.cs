namespace MailKitServer.Sasl;

/// <summary>Where credentials start in a client's AUTH command line, for the transcript's redaction.</summary>
internal static class SaslTranscript
{
    /// <summary>
    /// For <c>AUTH MECHANISM initial-response</c> (SMTP, RFC 4954 §4; POP3, RFC 5034 §4), the offset of the initial
    /// response: everything from there is credentials (<c>AUTH PLAIN &lt;redacted&gt;</c>).
    /// </summary>
    /// <param name="line">The command line, without CRLF; "AUTH" in any case.</param>
    /// <returns>The offset, or -1 when the line is not AUTH or carries no initial response.</returns>
    public static int AfterAuthMechanism(ReadOnlySpan<byte> line)
    {
        if (line.Length < 5 || !System.Text.Ascii.EqualsIgnoreCase(line[..5], "AUTH "u8))
        {
            return -1;
        }

        var mechanismEnd = line[5..].IndexOf((byte)' ');
        return mechanismEnd < 0 ? -1 : 5 + mechanismEnd + 1;
    }
}
