using MailKitServer.Imap.Structure;
using MailKitServer.Storage;

namespace MailKitServer.Imap.Search;

/// <summary>A message being matched against a SEARCH program, with its structure and decoded texts when the program needs them.</summary>
/// <param name="Info">The message's metadata.</param>
/// <param name="Sequence">Its sequence number.</param>
/// <param name="Count">How many messages the client knows.</param>
/// <param name="LargestUid">The largest UID the client knows ("*" in a UID set).</param>
/// <param name="Structure">The parsed structure (or header fields), when needed and at hand.</param>
/// <param name="BodyTexts">The decoded text parts, when needed (possibly decoded as they are enumerated).</param>
/// <param name="Saved">The saved search result, for "$" (RFC 5182).</param>
/// <param name="IsRecent">Whether the message is \Recent in this session.</param>
/// <param name="Now">The current time (WITHIN, RFC 5032).</param>
/// <param name="ThreadId">The THREADID (RFC 8474), when the program needs it.</param>
/// <param name="HeaderBlock">The top-level header octets, when the program needs header fields and no structure is at hand.</param>
internal sealed record SearchCandidate(MessageInfo Info, int Sequence, int Count, uint LargestUid, StructurePart? Structure, IEnumerable<string> BodyTexts, UidSet Saved, bool IsRecent, DateTimeOffset Now, string? ThreadId, byte[]? HeaderBlock = null)
{
    private StructurePart? _parsed;

    /// <summary>
    /// The structure, or the header fields parsed from <see cref="HeaderBlock"/> when a key first needs them all: the
    /// HEADER and SUBJECT keys read the one field they name from the octets instead (<see cref="HeaderFieldReader"/>).
    /// </summary>
    public StructurePart? Root => Structure ?? (HeaderBlock is null ? null : _parsed ??= StructurePart.HeaderOnly(HeaderParser.Parse(HeaderBlock)));
}
