using System.Collections.Concurrent;

namespace MailKitServer.Imap.Tests.Concurrency;

/// <summary>
/// What all model clients did, on one logical clock: the content appended under each UID, when each UID's expunge
/// completed, and every change of an owned keyword (only its owner session changes it). A session's responses are
/// checked against it: a command sent after a change completed must not show the state from before it.
/// </summary>
internal sealed class SharedHistory
{
    private readonly ConcurrentDictionary<uint, byte[]> _contents = new();
    private readonly ConcurrentDictionary<uint, long> _expunged = new();
    private readonly ConcurrentDictionary<uint, long> _expungeStarted = new();
    private readonly ConcurrentDictionary<(uint Uid, string Keyword), List<KeywordChange>> _keywords = new();
    private long _clock;

    /// <summary>The next instant of the logical clock.</summary>
    public long Tick() => Interlocked.Increment(ref _clock);

    public void Appended(uint uid, byte[] content) => _contents[uid] = content;

    public byte[]? ContentOf(uint uid) => _contents.GetValueOrDefault(uid);

    /// <summary>Records that a UID EXPUNGE of <paramref name="uid"/> (which carried \Deleted) completed at <paramref name="at"/>.</summary>
    public void ExpungeCompleted(uint uid, long at) => _expunged.AddOrUpdate(uid, at, (_, old) => Math.Min(old, at));

    /// <summary>Records that a UID EXPUNGE of <paramref name="uid"/> is about to be sent at <paramref name="at"/>.</summary>
    public void ExpungeStarting(uint uid, long at) => _expungeStarted.AddOrUpdate(uid, at, (_, old) => Math.Min(old, at));

    /// <summary>Whether an expunge of the UID had been sent before <paramref name="at"/> (it may have happened already).</summary>
    public bool ExpungeStartedBefore(uint uid, long at) => _expungeStarted.TryGetValue(uid, out var t) && t < at;

    /// <summary>Whether the UID's expunge had completed before <paramref name="at"/>.</summary>
    public bool ExpungedBefore(uint uid, long at) => _expunged.TryGetValue(uid, out var t) && t < at;

    /// <summary>Records a STORE of an owned keyword sent at <paramref name="sent"/>; complete it with <see cref="KeywordChange.Complete"/>.</summary>
    public KeywordChange KeywordStoring(uint uid, string keyword, bool set, long sent)
    {
        var list = _keywords.GetOrAdd((uid, keyword), _ => []);
        var change = new KeywordChange(set, sent, list);
        lock (list)
        {
            list.Add(change);
        }

        return change;
    }

    /// <summary>
    /// Whether showing the keyword as <paramref name="shown"/> is consistent for a command sent at
    /// <paramref name="sent"/> and answered at <paramref name="now"/>: it is the state of the last change completed
    /// before the command was sent, or of a change that overlapped the command.
    /// </summary>
    public bool IsConsistent(uint uid, string keyword, bool shown, long sent, long now)
    {
        if (!_keywords.TryGetValue((uid, keyword), out var list))
        {
            return !shown;
        }

        lock (list)
        {
            var before = list.Where(c => c.Completed < sent).MaxBy(c => c.Completed);
            if ((before?.Set ?? false) == shown)
            {
                return true;
            }

            return list.Any(c => c.Sent < now && c.Completed > sent && c.Set == shown);
        }
    }
}
