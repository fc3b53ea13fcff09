using MailKitServer.Diagnostics;
using MailKitServer.Sasl;

namespace MailKitServer.Smtp.Session;

/// <summary>Redacts the initial response of AUTH in the SMTP transcript (later SASL lines are never logged).</summary>
internal sealed class SmtpTranscriptRedactor : ITranscriptRedactor
{
    /// <summary>The one instance: it keeps no state.</summary>
    public static readonly SmtpTranscriptRedactor Instance = new();

    private SmtpTranscriptRedactor()
    {
    }

    /// <inheritdoc />
    public int Redact(ReadOnlyMemory<byte> line) => SaslTranscript.AfterAuthMechanism(line.Span);
}
