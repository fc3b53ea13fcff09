using MailKitServer.Mime;
using MailKitServer.Storage;

namespace MailKitServer.Imap.Session;

/// <summary>A message being matched against a SEARCH query, with its content when the query needs it.</summary>
internal sealed class SearchCandidate(MessageInfo info, int sequence, int count, uint largestUid, byte[]? content, MimeEntity? root)
{
    private List<string>? _texts;

    public MessageInfo Info { get; } = info;

    public int Sequence { get; } = sequence;

    public int Count { get; } = count;

    public uint LargestUid { get; } = largestUid;

    public MimeEntity? Root { get; } = root;

    public IReadOnlyList<string> BodyTexts => _texts ??= content is null || Root is null ? [] : MimeText.BodyTexts(content, Root).ToList();
}
