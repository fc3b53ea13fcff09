using MailKitServer.Imap.Parsing;
using MailKitServer.Imap.Responses;
using MailKitServer.Imap.Structure;
using MailKitServer.Storage;

namespace MailKitServer.Imap.Session;

/// <summary>
/// The session's picture of the selected mailbox: sequence numbers mapped to UIDs and each message's flags, updated
/// from the store's change feed only at the points the protocol allows (RFC 3501 §7.4.1).
/// </summary>
internal sealed class SelectedMailbox(IMailboxView view, RecentTracker recent, string recentKey, StructureCache structures)
{
    private readonly List<MessageInfo> _messages = [.. view.Messages];
    private readonly HashSet<uint> _recent = [];

    public IMailboxView View { get; } = view;

    /// <summary>Names this mailbox incarnation (user, name, UIDVALIDITY) in server-wide tables.</summary>
    public string Key { get; } = recentKey;

    public bool ReadOnly => View.IsReadOnly;

    public IReadOnlyList<MessageInfo> Messages => _messages;

    public int Count => _messages.Count;

    public bool Gone { get; private set; }

    public HashSet<string> Keywords { get; } = new(view.Messages.SelectMany(m => m.Keywords), StringComparer.OrdinalIgnoreCase);

    /// <summary>The UIDs SEARCH RETURN (SAVE) kept for "$" (RFC 5182); empty until a search saves one.</summary>
    public UidSet SavedUids { get; set; } = UidSet.Empty;

    /// <summary>How many messages are \Recent in this session.</summary>
    public int RecentCount => _recent.Count;

    /// <summary>Whether the message is \Recent in this session (RFC 3501 §2.3.2).</summary>
    public bool IsRecent(uint uid) => _recent.Contains(uid);

    /// <summary>
    /// Takes this session's share of \Recent for the messages it knows: a read-write session claims the UIDs no
    /// session has claimed yet; a read-only one (EXAMINE) sees them as recent without claiming them.
    /// </summary>
    public void ClaimRecent()
    {
        if (_messages.Count == 0)
        {
            return;
        }

        var newest = _messages[^1].Uid;
        var previous = ReadOnly ? recent.Claimed(Key) : recent.Claim(Key, newest);
        for (var i = _messages.Count - 1; i >= 0 && _messages[i].Uid > previous; i--)
        {
            _recent.Add(_messages[i].Uid);
        }
    }

    public int IndexOfUid(uint uid) => UidSearch.IndexOf(_messages, uid, m => m.Uid);

    /// <summary>The messages (index, info) a sequence set names, by sequence number or by UID.</summary>
    public List<int> Resolve(SequenceSet set, bool byUid)
    {
        var result = new List<int>();
        if (_messages.Count == 0)
        {
            return result;
        }

        if (set.IsSaved)
        {
            // "$" names the saved messages, whether the command works by sequence number or by UID.
            for (var i = 0; i < _messages.Count; i++)
            {
                if (SavedUids.Contains(_messages[i].Uid))
                {
                    result.Add(i);
                }
            }

            return result;
        }

        var largest = byUid ? _messages[^1].Uid : (uint)_messages.Count;
        for (var i = 0; i < _messages.Count; i++)
        {
            if (set.Contains(byUid ? _messages[i].Uid : (uint)(i + 1), largest))
            {
                result.Add(i);
            }
        }

        return result;
    }

    /// <summary>Sequence numbers beyond the mailbox, or "*" in an empty one, are errors; UIDs are not.</summary>
    public bool IsValidSet(SequenceSet set, bool uid) => uid || set.IsSaved || (Count > 0 && set.MaxExplicit <= Count);

    /// <summary>Reads a byte range of a stored message (a whole message for SEARCH on text, one part for BINARY).</summary>
    public async ValueTask<byte[]> LoadAsync(uint uid, long offset, long? length, CancellationToken cancellationToken)
    {
        await using var stream = await View.OpenContentAsync(uid, offset, length, cancellationToken).ConfigureAwait(false);
        if (stream is null)
        {
            return [];
        }

        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy, cancellationToken).ConfigureAwait(false);
        return copy.ToArray();
    }

    /// <summary>A message's MIME structure, from the server-wide cache or parsed from the store's stream (never loaded whole).</summary>
    public async ValueTask<StructurePart> StructureAsync(uint uid, CancellationToken cancellationToken, byte[]? content = null)
    {
        if (structures.TryGet(Key, uid, out var root))
        {
            return root;
        }

        if (content is not null)
        {
            root = StructureParser.Parse(content);
        }
        else
        {
            await using var stream = await View.OpenContentAsync(uid, 0, null, cancellationToken).ConfigureAwait(false);
            root = stream is null ? StructureParser.Parse(ReadOnlySpan<byte>.Empty) : await StructureParser.ParseAsync(stream, null, cancellationToken).ConfigureAwait(false);
        }

        structures.Add(Key, uid, root);
        return root;
    }

    public void Update(MessageInfo info)
    {
        var i = IndexOfUid(info.Uid);
        if (i >= 0)
        {
            _messages[i] = info;
            Keywords.UnionWith(info.Keywords);
        }
    }

    /// <summary>Applies pending changes and returns the untagged responses they produce.</summary>
    /// <param name="allowExpunge">Whether EXPUNGE responses may be sent now (not during FETCH, STORE, SEARCH).</param>
    /// <param name="output">Receives the responses.</param>
    /// <param name="sendRecent">Whether "* N RECENT" follows a new EXISTS (IMAP4rev1; IMAP4rev2 has no RECENT).</param>
    public void ApplyPending(bool allowExpunge, Action<string> output, bool sendRecent)
    {
        var added = false;
        while (View.Changes.TryPeek(out var change))
        {
            if (change.Kind == MailboxChangeKind.Expunged && !allowExpunge)
            {
                break;
            }

            View.Changes.TryRead(out _);
            switch (change.Kind)
            {
                case MailboxChangeKind.Added when change.Message is { } m && IndexOfUid(m.Uid) < 0:
                    _messages.Add(m);
                    Keywords.UnionWith(m.Keywords);
                    added = true;
                    break;
                case MailboxChangeKind.FlagsChanged when change.Message is { } m && change.Origin != View.ViewId:
                    var i = IndexOfUid(m.Uid);
                    if (i >= 0)
                    {
                        _messages[i] = m;
                        Keywords.UnionWith(m.Keywords);
                        output($"* {i + 1} FETCH (UID {m.Uid} FLAGS {ImapFormat.Flags(m.Flags, m.Keywords, sendRecent && IsRecent(m.Uid))})\r\n"); // RFC 9051 §7.5.2: unsolicited FETCH carries UID
                    }

                    break;
                case MailboxChangeKind.Expunged:
                    if (added)
                    {
                        Exists(output, sendRecent);
                        added = false;
                    }

                    var e = IndexOfUid(change.Uid);
                    if (e >= 0)
                    {
                        _messages.RemoveAt(e);
                        _recent.Remove(change.Uid);
                        output($"* {e + 1} EXPUNGE\r\n");
                    }

                    break;
                case MailboxChangeKind.MailboxGone:
                    Gone = true;
                    break;
            }
        }

        if (added)
        {
            Exists(output, sendRecent);
        }
    }

    private void Exists(Action<string> output, bool sendRecent)
    {
        ClaimRecent();
        output($"* {_messages.Count} EXISTS\r\n");
        if (sendRecent)
        {
            // RFC 3501 §7.3.2: RECENT is sent with the new count of \Recent messages.
            output($"* {_recent.Count} RECENT\r\n");
        }
    }
}
