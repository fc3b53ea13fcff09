namespace MailKitServer.Imap.Tests.Concurrency;

/// <summary>One STORE of an owned keyword, in flight until completed.</summary>
internal sealed class KeywordChange(bool set, long sent, List<KeywordChange> owner)
{
    public bool Set { get; } = set;

    public long Sent { get; } = sent;

    public long Completed { get; private set; } = long.MaxValue;

    /// <summary>The store answered: the change holds from <paramref name="at"/>.</summary>
    public void Complete(long at)
    {
        lock (owner)
        {
            Completed = at;
        }
    }

    /// <summary>The store never applied it (the message was gone): it does not count.</summary>
    public void Cancel()
    {
        lock (owner)
        {
            owner.Remove(this);
        }
    }
}
