namespace MailKitServer.Web.Api;

/// <summary>One message in full: envelope-ish summary, every header, the text and HTML bodies, and its MIME parts.</summary>
internal sealed record MessageDetail(
    MessageSummary Summary,
    IReadOnlyList<string> Cc,
    IReadOnlyList<string> ReplyTo,
    IReadOnlyList<HeaderField> Headers,
    string? Text,
    bool HasHtml,
    IReadOnlyList<PartInfo> Parts);
