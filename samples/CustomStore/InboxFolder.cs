using System.Threading.Channels;
using MailKitServer.Storage;

namespace CustomStore;

/// <summary>The messages of one INBOX and the views open on it (to push new mail to IMAP IDLE).</summary>
internal sealed class InboxFolder
{
    public const uint UidValidity = 1;
    private readonly List<(MessageInfo Info, byte[] Content)> _messages = [];
    private readonly List<Channel<MailboxChange>> _watchers = [];
    private uint _nextUid = 1;
    private ulong _modSeq = 1;

    public uint Add(byte[] content, SystemFlags flags, DateTimeOffset date)
    {
        lock (_messages)
        {
            var info = new MessageInfo(_nextUid++, flags, [], date, content.Length, ++_modSeq);
            _messages.Add((info, content));
            foreach (var w in _watchers)
            {
                w.Writer.TryWrite(new MailboxChange(MailboxChangeKind.Added, info, info.Uid, info.ModSeq, 0));
            }

            return info.Uid;
        }
    }

    public List<MessageInfo> Snapshot()
    {
        lock (_messages)
        {
            return _messages.Select(m => m.Info).ToList();
        }
    }

    public byte[]? Content(uint uid)
    {
        lock (_messages)
        {
            return _messages.FirstOrDefault(m => m.Info.Uid == uid).Content;
        }
    }

    public MessageInfo? SetFlags(uint uid, Func<SystemFlags, SystemFlags> change)
    {
        lock (_messages)
        {
            var i = _messages.FindIndex(m => m.Info.Uid == uid);
            if (i < 0)
            {
                return null;
            }

            var info = _messages[i].Info with { Flags = change(_messages[i].Info.Flags), ModSeq = ++_modSeq };
            _messages[i] = (info, _messages[i].Content);
            return info;
        }
    }

    public List<uint> Remove(Func<MessageInfo, bool> which)
    {
        lock (_messages)
        {
            var gone = _messages.Where(m => which(m.Info)).Select(m => m.Info.Uid).ToList();
            _messages.RemoveAll(m => gone.Contains(m.Info.Uid));
            foreach (var w in _watchers)
            {
                gone.ForEach(uid => w.Writer.TryWrite(new MailboxChange(MailboxChangeKind.Expunged, null, uid, ++_modSeq, 0)));
            }

            return gone;
        }
    }

    public MailboxStatus Status()
    {
        lock (_messages)
        {
            var infos = _messages.Select(m => m.Info).ToList();
            return new MailboxStatus("INBOX", infos.Count, infos.Count(m => !m.Flags.HasFlag(SystemFlags.Seen)), UidValidity, _nextUid, _modSeq, infos.Sum(m => m.Size), infos.Count(m => m.Flags.HasFlag(SystemFlags.Deleted)));
        }
    }

    public Channel<MailboxChange> Watch()
    {
        var channel = Channel.CreateUnbounded<MailboxChange>();
        lock (_messages)
        {
            _watchers.Add(channel);
        }

        return channel;
    }

    public void Unwatch(Channel<MailboxChange> channel)
    {
        lock (_messages)
        {
            _watchers.Remove(channel);
        }
    }
}
