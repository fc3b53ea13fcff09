using MailKitServer.Imap.Structure;
using MailKitServer.Storage;

namespace MailKitServer.Imap.Search;

/// <summary>A message being matched against a SEARCH query, with its content when the query needs it.</summary>
internal sealed class SearchCandidate(MessageInfo info, int sequence, int count, uint largestUid, byte[]? content, StructurePart? root, UidSet saved, bool recent)
{
    private List<string>? _texts;

    public MessageInfo Info { get; } = info;

    public int Sequence { get; } = sequence;

    public int Count { get; } = count;

    public uint LargestUid { get; } = largestUid;

    public StructurePart? Root { get; } = root;

    /// <summary>Whether the message is \Recent in this session.</summary>
    public bool IsRecent { get; } = recent;

    /// <summary>The saved search result, for "$" as a search key (RFC 5182).</summary>
    public UidSet Saved { get; } = saved;

    public IReadOnlyList<string> BodyTexts => _texts ??= content is null || Root is null ? [] : SearchText.BodyTexts(content, Root).ToList();
}
