using MailKitServer.Imap.Parsing;

namespace MailKitServer.Imap.Commands;

/// <summary>A parsed LIST command.</summary>
internal sealed class ListRequest
{
    public bool Extended { get; set; }

    public bool SelectSubscribed { get; set; }

    public bool SelectSpecialUse { get; set; }

    public bool RecursiveMatch { get; set; }

    public bool ReturnSubscribed { get; set; }

    public IReadOnlyList<ImapToken>? StatusItems { get; set; }

    /// <summary>RETURN (MYRIGHTS) of RFC 8440.</summary>
    public bool ReturnMyRights { get; set; }

    public string Reference { get; set; } = string.Empty;

    public List<string> Patterns { get; set; } = [];
}
