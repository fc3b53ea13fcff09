using MailKitServer.Diagnostics;
using MailKitServer.Sasl;

namespace MailKitServer.Pop3.Session;

/// <summary>Redacts PASS and AUTH initial responses in the POP3 transcript.</summary>
internal sealed class Pop3TranscriptRedactor : ITranscriptRedactor
{
    /// <summary>The one instance: it keeps no state.</summary>
    public static readonly Pop3TranscriptRedactor Instance = new();

    private Pop3TranscriptRedactor()
    {
    }

    /// <inheritdoc />
    public int Redact(ReadOnlyMemory<byte> line)
    {
        var span = line.Span;
        return span.Length >= 5 && System.Text.Ascii.EqualsIgnoreCase(span[..5], "PASS "u8) ? 5 : SaslTranscript.AfterAuthMechanism(span);
    }
}
