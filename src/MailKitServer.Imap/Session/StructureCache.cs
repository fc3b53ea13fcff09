using MailKitServer.Imap.Structure;

namespace MailKitServer.Imap.Session;

/// <summary>
/// Parsed MIME structures shared by the sessions of one IMAP listener (the listener owns it). A message never changes
/// once stored, so (user, mailbox, UIDVALIDITY, UID) names one structure for good; the cache only has to stay bounded,
/// and it is bounded by memory, not by count: each entry's size is estimated from what the parse keeps (its parts and
/// their header fields), an entry larger than the per-entry limit is not kept at all (it is parsed again when asked
/// for: a hostile message of ten megabytes of header fields must not pin them), and when the total is over the
/// capacity the least recently used entries go. Expunged messages are removed as the sessions learn of them.
/// Beside the structures it keeps messages' top-level header blocks (<see cref="HeaderBlocks"/>), which is all that
/// ENVELOPE and the header SEARCH keys need: a 20,000-message mailbox's headers fit where its structures do not.
/// And it keeps messages' ENVELOPE answers as sent, in octets (<see cref="Envelopes"/>): a repeated FETCH ENVELOPE of a large
/// mailbox then neither parses header fields nor formats addresses again (as Dovecot keeps "imap.envelope" in its
/// cache file); issue 24 measured most of a repeated FETCH 1:* (FLAGS ENVELOPE)'s CPU in that parse and format.
/// </summary>
internal sealed class StructureCache
{
    private readonly ByteBudgetCache<StructurePart> _structures;

    /// <summary>Creates a cache.</summary>
    /// <param name="capacity">The most octets (estimated) all structures may hold together; header blocks get half as much again.</param>
    /// <param name="entryLimit">The most octets (estimated) one entry may hold; larger structures are not kept.</param>
    public StructureCache(long capacity, long entryLimit)
    {
        _structures = new ByteBudgetCache<StructurePart>(capacity, entryLimit);
        HeaderBlocks = new ByteBudgetCache<byte[]>(capacity / 2, entryLimit);
        Envelopes = new ByteBudgetCache<byte[]>(capacity / 4, entryLimit);
    }

    /// <summary>The estimated octets the structures hold.</summary>
    public long Bytes => _structures.Bytes;

    /// <summary>How many structures are kept.</summary>
    public int Count => _structures.Count;

    /// <summary>Raw top-level header blocks (up to the empty line), by message; their size is their length.</summary>
    public ByteBudgetCache<byte[]> HeaderBlocks { get; }

    /// <summary>Formatted ENVELOPE answers (the parenthesized list) as the octets sent, by message; their size is their length.</summary>
    public ByteBudgetCache<byte[]> Envelopes { get; }

    public bool TryGet(string mailboxKey, uint uid, out StructurePart root) => _structures.TryGet(mailboxKey, uid, out root);

    /// <summary>Keeps a message's structure.</summary>
    /// <param name="mailboxKey">The mailbox.</param>
    /// <param name="uid">The message.</param>
    /// <param name="root">Its structure.</param>
    /// <param name="displace">False for a scan over a mailbox: kept only where there is room (<see cref="ByteBudgetCache{T}.Add"/>).</param>
    public void Add(string mailboxKey, uint uid, StructurePart root, bool displace = true) => _structures.Add(mailboxKey, uid, root, EstimateSize(root), displace);

    /// <summary>Forgets an expunged message (its structure, its header block and its envelope).</summary>
    public void Remove(string mailboxKey, uint uid)
    {
        _structures.Remove(mailboxKey, uid);
        HeaderBlocks.Remove(mailboxKey, uid);
        Envelopes.Remove(mailboxKey, uid);
    }

    /// <summary>
    /// An estimate, on the high side, of the octets a parsed structure keeps alive: per part the objects of the part,
    /// its content type and disposition; per header field the field and its two strings (UTF-16, so twice their
    /// length), counted twice over for the parameters and addresses parsed out of the values.
    /// </summary>
    internal static long EstimateSize(StructurePart root)
    {
        const long PerPart = 640;
        const long PerField = 96;
        long size = 0;
        foreach (var part in root.Descendants())
        {
            size += PerPart;
            foreach (var field in part.Headers)
            {
                size += PerField + (4L * (field.Name.Length + field.Value.Length));
            }
        }

        return size;
    }
}
