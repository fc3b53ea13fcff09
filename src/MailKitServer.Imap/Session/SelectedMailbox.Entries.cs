using MailKitServer.Storage;

namespace MailKitServer.Imap.Session;

/// <summary>
/// The session's messages by sequence number: the store's snapshot at SELECT, read as it is until the session needs a
/// picture of its own (a <see cref="ViewEntry"/> per message, made once).
/// </summary>
/// <remarks>
/// A SELECT made a <see cref="ViewEntry"/> for every message and a list of them: 20,000 objects of 32 octets and a
/// 160 KB array (a large object: fresh pages) per session on a 20,000-message mailbox, though a session that only
/// SELECTs, or waits in IDLE for new mail, never needs them (issue 24, the "SELECT once" row; 10,000 IDLE connections).
/// The view's <see cref="IMailboxView.Messages"/> is the snapshot at open and never changes (its contract), so the
/// counts, UIDs and message facts are read from it until the session's picture must differ from it: a message of it
/// changed or expunged, a new message announced, or a command that works on the entries themselves (FETCH, STORE,
/// SEARCH through <see cref="this[int]"/>). From then on the entries are the session's own, as before.
/// </remarks>
internal sealed partial class SelectedMailbox
{
    /// <summary>The view's snapshot while no entries are made; null after.</summary>
    private IReadOnlyList<MessageInfo>? _snapshot;

    /// <summary>The session's own entries once made.</summary>
    private List<ViewEntry>? _list;

    /// <summary>How many messages the client knows (the last EXISTS minus the EXPUNGEs sent since).</summary>
    public int Count => _list is { } list ? list.Count : _snapshot!.Count;

    /// <summary>The message at a sequence number (index = number - 1), as last seen; makes the session's entries.</summary>
    /// <param name="index">The sequence number minus one.</param>
    public ViewEntry this[int index] => Entries[index];

    /// <summary>The UID at a sequence number (index = number - 1), without making the session's entries.</summary>
    /// <param name="index">The sequence number minus one.</param>
    /// <returns>The UID.</returns>
    public uint UidAt(int index) => _list is { } list ? list[index].Uid : _snapshot![index].Uid;

    /// <summary>The message at a sequence number (index = number - 1) as last seen, without making the session's entries.</summary>
    /// <param name="index">The sequence number minus one.</param>
    /// <returns>The message.</returns>
    public MessageInfo InfoAt(int index) => _list is { } list ? list[index].Info : _snapshot![index];

    /// <summary>Whether the session has made its own entries (tests).</summary>
    internal bool HasOwnEntries => _list is not null;

    /// <summary>The session's own entries, made from the snapshot when first needed.</summary>
    private List<ViewEntry> Entries => _list ?? MakeEntries();

    private List<ViewEntry> MakeEntries()
    {
        var snapshot = _snapshot!;
        var list = new List<ViewEntry>(snapshot.Count);
        for (var i = 0; i < snapshot.Count; i++)
        {
            list.Add(new ViewEntry(snapshot[i]));
        }

        _list = list;
        _snapshot = null;
        return list;
    }

    /// <summary>The keywords of the snapshot's messages (announced with FLAGS at SELECT), by index: no enumerator per message.</summary>
    private void AddKeywordsOf(IReadOnlyList<MessageInfo> messages)
    {
        for (var i = 0; i < messages.Count; i++)
        {
            var keywords = messages[i].Keywords;
            for (var k = 0; k < keywords.Count; k++)
            {
                (_keywords ??= new HashSet<string>(StringComparer.OrdinalIgnoreCase)).Add(keywords[k]);
            }
        }
    }
}
