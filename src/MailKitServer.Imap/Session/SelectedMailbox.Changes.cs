using System.Text;
using MailKitServer.Storage;

namespace MailKitServer.Imap.Session;

/// <summary>The store's changes read into the session's picture of the mailbox, and the EXPUNGEs that tell the client.</summary>
internal sealed partial class SelectedMailbox
{
    private void Apply(MailboxChange change)
    {
        if (change.ModSeq > HighestModSeq)
        {
            HighestModSeq = change.ModSeq;
        }

        switch (change.Kind)
        {
            case MailboxChangeKind.Added when change.Message is { } m:
                if (m.Uid > LargestUid && (_unannounced is not { Count: > 0 } || m.Uid > _unannounced[^1].Uid))
                {
                    (_unannounced ??= []).Add(m);
                }

                break;
            case MailboxChangeKind.FlagsChanged when change.Message is { } m:
                var i = IndexOfUid(m.Uid);
                if (i >= 0)
                {
                    var entry = Entries[i];
                    if (!entry.Expunged && m.ModSeq >= entry.Info.ModSeq)
                    {
                        entry.Info = m;
                        Touch(m.Uid);
                        if (change.Origin != View.ViewId)
                        {
                            (_dirty ??= []).Add(entry);
                        }
                    }
                }
                else if (_unannounced is not null && UidSearch.IndexOf(_unannounced, m.Uid, u => u.Uid) is var u and >= 0 && m.ModSeq >= _unannounced[u].ModSeq)
                {
                    _unannounced[u] = m;
                }

                break;
            case MailboxChangeKind.Expunged:
                var e = IndexOfUid(change.Uid);
                if (e >= 0)
                {
                    var gone = Entries[e];
                    if (!gone.Expunged)
                    {
                        gone.Expunged = true;
                        _expunged++;
                        Touch(change.Uid);
                        _dirty?.Remove(gone);
                    }
                }
                else if (_unannounced is not null && UidSearch.IndexOf(_unannounced, change.Uid, u => u.Uid) is var n and >= 0)
                {
                    // Never announced: the client never learns it existed.
                    _unannounced.RemoveAt(n);
                }

                break;
            case MailboxChangeKind.MailboxGone:
                Gone = true;
                break;
        }
    }

    private void Touch(uint uid)
    {
        if (Contexts.Count > 0)
        {
            (_touched ??= []).Add(uid);
        }
    }

    /// <summary>Sends the pending expunges (an expunge marks its entry, so the entries are made by then).</summary>
    private void SendExpunges(ImapExtensions enabled, Action<string> output)
    {
        var entries = Entries;
        if ((enabled & (ImapExtensions.QResync | ImapExtensions.UidOnly)) != 0)
        {
            // RFC 7162 §3.2.10, RFC 9586 §3: with QRESYNC or UIDONLY enabled, VANISHED replaces EXPUNGE.
            var uids = entries.Where(e => e.Expunged).Select(e => e.Uid);
            output($"* VANISHED {UidSet.FromUids(uids)}\r\n");
        }
        else
        {
            // Ascending, each number as it is after the EXPUNGEs before it (RFC 9051 §7.5.1).
            var removed = 0;
            var sb = new StringBuilder();
            for (var i = 0; i < entries.Count; i++)
            {
                if (entries[i].Expunged)
                {
                    sb.Append("* ").Append(i + 1 - removed).Append(" EXPUNGE\r\n");
                    removed++;
                }
            }

            output(sb.ToString());
        }

        foreach (var entry in entries.Where(e => e.Expunged))
        {
            _recent?.Remove(entry.Uid);

            // Announced gone: its structure leaves the listener's cache (a UID is never used again).
            _structures.Remove(Key, entry.Uid);
        }

        entries.RemoveAll(e => e.Expunged);
        _expunged = 0;
    }
}
