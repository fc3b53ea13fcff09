namespace MailKitServer.Web.Api;

/// <summary>One message in a list: what the store knows plus its main headers.</summary>
internal sealed record MessageSummary(
    string Id,
    string User,
    string Mailbox,
    uint Uid,
    DateTimeOffset Received,
    long Size,
    bool Read,
    IReadOnlyList<string> Flags,
    string? From,
    IReadOnlyList<string> To,
    string? Subject,
    DateTimeOffset? Date,
    string? MessageId);
