using MailKitServer.Imap.Structure;
using MailKitServer.Storage;

namespace MailKitServer.Imap.Search;

/// <summary>A message being matched against a SEARCH program, with its structure and decoded texts when the program needs them.</summary>
/// <param name="Info">The message's metadata.</param>
/// <param name="Sequence">Its sequence number.</param>
/// <param name="Count">How many messages the client knows.</param>
/// <param name="LargestUid">The largest UID the client knows ("*" in a UID set).</param>
/// <param name="Root">The parsed structure (header fields), when needed.</param>
/// <param name="BodyTexts">The decoded text parts, when needed (possibly decoded as they are enumerated).</param>
/// <param name="Saved">The saved search result, for "$" (RFC 5182).</param>
/// <param name="IsRecent">Whether the message is \Recent in this session.</param>
/// <param name="Now">The current time (WITHIN, RFC 5032).</param>
/// <param name="ThreadId">The THREADID (RFC 8474), when the program needs it.</param>
internal sealed record SearchCandidate(MessageInfo Info, int Sequence, int Count, uint LargestUid, StructurePart? Root, IEnumerable<string> BodyTexts, UidSet Saved, bool IsRecent, DateTimeOffset Now, string? ThreadId);
