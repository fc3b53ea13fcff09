using System.Net;
using System.Net.Sockets;
using System.Text;

namespace MailKitServer.Imap.Tests.Concurrency;

/// <summary>
/// A client that keeps its own picture of the selected mailbox (sequence numbers, UIDs, flags, announced keywords)
/// from nothing but what the server told it, and checks every response against it and against the
/// <see cref="SharedHistory"/> of all clients:
/// EXISTS never lowers the count; EXPUNGE and FETCH name only sequence numbers the client was given, and EXPUNGE
/// never comes while a FETCH, STORE or SEARCH by sequence number runs; UIDs agree and ascend; a keyword is announced
/// in FLAGS before a FETCH shows it and never dropped while in use; content is the content appended under that UID;
/// an owned keyword never shows a state older than the last change completed before the command was sent; after a
/// command that may expunge, no message whose expunge completed before it was sent is left; nothing follows BYE.
/// </summary>
internal sealed class ModelClient : IAsyncDisposable
{
    private const string OwnPrefix = "$own";
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private readonly WireReader _reader;
    private readonly SharedHistory _history;
    private readonly Random _random;
    private readonly List<ModelMessage> _view = [];
    private readonly HashSet<string> _announced = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> _errors = [];
    private readonly string _keyword;
    private readonly int _id;
    private readonly int _owners;
    private int _tags;
    private int _appended;
    private bool _expungeForbidden;
    private bool _sawBye;
    private long _sent;
    private Dictionary<uint, bool>? _storing;

    private ModelClient(TcpClient tcp, SharedHistory history, int id, int owners, int seed)
    {
        _owners = owners;
        _tcp = tcp;
        _stream = tcp.GetStream();
        _reader = new WireReader(_stream);
        _history = history;
        _id = id;
        _keyword = OwnPrefix + id;
        _random = new Random(seed);
    }

    /// <summary>Every inconsistency seen, with the response that showed it.</summary>
    public IReadOnlyList<string> Errors => _errors;

    /// <summary>How many commands were sent.</summary>
    public int Commands { get; private set; }

    /// <summary>Connects client <paramref name="id"/> of <paramref name="owners"/> (each owns the keyword $own&lt;id&gt;).</summary>
    public static async Task<ModelClient> ConnectAsync(IPEndPoint endPoint, SharedHistory history, int id, int owners, int seed)
    {
        var tcp = new TcpClient(endPoint.AddressFamily);
        await tcp.ConnectAsync(endPoint);
        var client = new ModelClient(tcp, history, id, owners, seed);
        await client.ExpectGreetingAsync();
        return client;
    }

    public async Task LoginAndSelectAsync(string user, string password)
    {
        await CommandAsync($"LOGIN {user} {password}");
        await CommandAsync("SELECT INBOX");
        await CommandAsync("FETCH 1:* (UID FLAGS)", onlyIfMessages: true);
    }

    /// <summary>Runs <paramref name="operations"/> random operations.</summary>
    public async Task RunAsync(int operations)
    {
        for (var i = 0; i < operations && _errors.Count == 0; i++)
        {
            var roll = _random.Next(100);
            switch (roll)
            {
                case < 12:
                    await AppendAsync();
                    break;
                case < 24:
                    await CommandAsync($"FETCH {SeqRange()} (UID FLAGS)", onlyIfMessages: true);
                    break;
                case < 32:
                    await CommandAsync($"UID FETCH {KnownUid()} (UID FLAGS BODY.PEEK[] BODY.PEEK[HEADER.FIELDS (SUBJECT)])", onlyIfMessages: true);
                    break;
                case < 36:
                    await CommandAsync($"FETCH {SeqRange()} (UID RFC822.SIZE BODY.PEEK[HEADER.FIELDS (SUBJECT)])", onlyIfMessages: true);
                    break;
                case < 50:
                    await StoreKeywordAsync();
                    break;
                case < 56:
                    await CommandAsync($"STORE {SeqRange()} {(_random.Next(2) == 0 ? "+" : "-")}FLAGS (\\Seen)", onlyIfMessages: true);
                    break;
                case < 64:
                    await ExpungeAsync();
                    break;
                case < 72:
                    await CommandAsync(_random.Next(3) switch
                    {
                        0 => $"SEARCH KEYWORD {_keyword}",
                        1 => "UID SEARCH UNSEEN",
                        _ => $"SEARCH {SeqRange()} NOT DELETED",
                    }, onlyIfMessages: true);
                    break;
                case < 82:
                    await CommandAsync("NOOP");
                    break;
                case < 90:
                    await IdleAsync();
                    break;
                default:
                    await CommandAsync("FETCH 1:* (UID FLAGS)", onlyIfMessages: true);
                    break;
            }
        }
    }

    /// <summary>LOGOUT: BYE, the tagged OK, then nothing.</summary>
    public async Task LogoutAsync()
    {
        await CommandAsync("LOGOUT");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        if (await _reader.ReadAsync(timeout.Token) is { } after)
        {
            Error("data after the LOGOUT reply", after);
        }
    }

    public ValueTask DisposeAsync()
    {
        _tcp.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task AppendAsync()
    {
        var n = _appended++;
        var body = new StringBuilder();
        for (var i = _random.Next(1, 30); i > 0; i--)
        {
            body.Append("line ").Append(i).Append(' ').Append(_random.Next()).Append("\r\n");
        }

        var content = Encoding.ASCII.GetBytes($"Subject: m{_id}-{n}\r\nFrom: model{_id}@example.test\r\n\r\n{body}");
        var tag = NextTag();
        _sent = _history.Tick();
        await SendAsync(Encoding.ASCII.GetBytes($"{tag} APPEND INBOX {{{content.Length}+}}\r\n").Concat(content).Concat("\r\n"u8.ToArray()).ToArray());
        var reply = await ReadUntilTaggedAsync(tag, "APPEND");
        if (reply is not null && reply.Word(1) is var code && code.StartsWith("[APPENDUID ", StringComparison.Ordinal))
        {
            // [APPENDUID uidvalidity uid]
            _history.Appended(uint.Parse(code.TrimEnd(']').Split(' ')[2], System.Globalization.CultureInfo.InvariantCulture), content);
        }
        else
        {
            Error("APPEND without APPENDUID", reply);
        }
    }

    private async Task StoreKeywordAsync()
    {
        var known = _view.Where(m => m.Uid != 0).ToList();
        if (known.Count == 0)
        {
            return;
        }

        var target = known[_random.Next(known.Count)];
        var set = _random.Next(2) == 0;
        var sent = _history.Tick();
        var change = _history.KeywordStoring(target.Uid, _keyword, set, sent);
        _storing = [];
        await CommandAsync($"UID STORE {target.Uid} {(set ? "+" : "-")}FLAGS ({_keyword})", sentAt: sent);
        if (_storing.TryGetValue(target.Uid, out var shown) && shown == set)
        {
            change.Complete(_history.Tick());
        }
        else
        {
            // No FETCH for it: the message was expunged meanwhile and the store changed nothing.
            change.Cancel();
        }

        _storing = null;
    }

    private async Task ExpungeAsync()
    {
        var known = _view.Where(m => m.Uid != 0).ToList();
        if (known.Count == 0)
        {
            return;
        }

        var uid = known[_random.Next(known.Count)].Uid;
        await CommandAsync($"UID STORE {uid} +FLAGS.SILENT (\\Deleted)");
        _history.ExpungeStarting(uid, _history.Tick());
        await CommandAsync($"UID EXPUNGE {uid}");

        // Nobody removes \Deleted, so after UID EXPUNGE the message is gone from the store.
        _history.ExpungeCompleted(uid, _history.Tick());
    }

    private async Task IdleAsync()
    {
        var tag = NextTag();
        _sent = _history.Tick();
        _expungeForbidden = false;
        await SendAsync($"{tag} IDLE\r\n");
        while (true)
        {
            var r = await ReadAsync("IDLE");
            if (r.Tag == "+")
            {
                break;
            }

            if (r.Tag == tag)
            {
                Error("IDLE ended before DONE", r);
                return;
            }

            Untagged(r);
        }

        await SendAsync("DONE\r\n");
        await ReadUntilTaggedAsync(tag, "IDLE");
    }

    private async Task CommandAsync(string command, bool onlyIfMessages = false, long? sentAt = null)
    {
        if (onlyIfMessages && _view.Count == 0)
        {
            command = "NOOP";
        }

        var tag = NextTag();
        var words = command.Split(' ');
        var uid = words[0] == "UID";
        var name = uid ? words[1] : words[0];

        // RFC 3501 §7.4.1: no EXPUNGE while FETCH, STORE or SEARCH by sequence number runs.
        _expungeForbidden = !uid && name is "FETCH" or "STORE" or "SEARCH";
        _sent = sentAt ?? _history.Tick();
        await SendAsync($"{tag} {command}\r\n");
        await ReadUntilTaggedAsync(tag, command);
    }

    private async Task<WireResponse?> ReadUntilTaggedAsync(string tag, string command)
    {
        while (true)
        {
            var r = await ReadAsync(command);
            if (r.Tag == tag)
            {
                if (r.Word(0) != "OK")
                {
                    Error($"{command} was not OK", r);
                }

                AfterCommand(command);
                return r;
            }

            if (r.Tag == "+")
            {
                Error("unexpected continuation", r);
                continue;
            }

            Untagged(r);
        }
    }

    private void AfterCommand(string command)
    {
        if (command == "LOGOUT")
        {
            // Nothing may follow BYE (RFC 9051 §7.1.5), so LOGOUT reports no updates.
            return;
        }

        var now = _history.Tick();
        var allowsExpunge = !_expungeForbidden;
        foreach (var m in _view)
        {
            if (m.Uid == 0)
            {
                continue;
            }

            if (allowsExpunge && _history.ExpungedBefore(m.Uid, _sent))
            {
                Error($"UID {m.Uid} still in the view after '{command}', though its expunge completed before the command was sent", null);
            }

            if (m.Flags is { } flags && !_history.ExpungeStartedBefore(m.Uid, now))
            {
                foreach (var owner in Enumerable.Range(0, _owners).Select(i => OwnPrefix + i))
                {
                    if (!_history.IsConsistent(m.Uid, owner, flags.Contains(owner), _sent, now))
                    {
                        Error($"stale flags for UID {m.Uid} after '{command}': {owner} shown {(flags.Contains(owner) ? "set" : "clear")}", null);
                    }
                }
            }
        }

        _expungeForbidden = false;
    }

    private void Untagged(WireResponse r)
    {
        if (_sawBye && !(r.Word(0) == "BYE"))
        {
            Error("a response after BYE", r);
        }

        var first = r.Word(0);
        if (first == "BYE")
        {
            _sawBye = true;
            return;
        }

        if (first == "FLAGS")
        {
            var list = r.Tokens[1].Items.Select(t => t.Text).Where(t => !t.StartsWith('\\')).ToHashSet(StringComparer.OrdinalIgnoreCase);
            foreach (var m in _view)
            {
                foreach (var k in m.Flags ?? [])
                {
                    if (!k.StartsWith('\\') && !list.Contains(k))
                    {
                        Error($"FLAGS dropped keyword {k} still in use", r);
                    }
                }
            }

            _announced.Clear();
            _announced.UnionWith(list);
            return;
        }

        if (first == "OK" && r.Word(1).StartsWith("[PERMANENTFLAGS", StringComparison.Ordinal))
        {
            var inner = r.Tokens[1].Text;
            foreach (var k in inner[(inner.IndexOf('(') + 1)..inner.LastIndexOf(')')].Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(k => !k.StartsWith('\\')))
            {
                if (!_announced.Contains(k))
                {
                    Error($"PERMANENTFLAGS keyword {k} not in FLAGS", r);
                }
            }

            return;
        }

        if (first is "SEARCH")
        {
            foreach (var t in r.Tokens.Skip(1))
            {
                if (!uint.TryParse(t.Text, out var n) || n == 0)
                {
                    Error("bad SEARCH number", r);
                }
            }

            return;
        }

        if (first is "OK" or "NO" or "BAD" or "CAPABILITY" or "LIST" or "ESEARCH" or "ENABLED")
        {
            return;
        }

        if (!uint.TryParse(first, out var number))
        {
            Error("unknown untagged response", r);
            return;
        }

        switch (r.Word(1))
        {
            case "EXISTS":
                if (number < _view.Count)
                {
                    Error($"EXISTS {number} below the {_view.Count} messages known", r);
                }

                while (_view.Count < number)
                {
                    _view.Add(new ModelMessage());
                }

                break;
            case "RECENT":
                if (number > _view.Count)
                {
                    Error("RECENT above EXISTS", r);
                }

                break;
            case "EXPUNGE":
                if (_expungeForbidden)
                {
                    Error("EXPUNGE while a FETCH, STORE or SEARCH by sequence number runs", r);
                }

                if (number == 0 || number > _view.Count)
                {
                    Error($"EXPUNGE {number} with {_view.Count} messages known", r);
                    return;
                }

                _view.RemoveAt((int)number - 1);
                break;
            case "FETCH":
                Fetch(number, r);
                break;
            default:
                Error("unknown untagged response", r);
                break;
        }
    }

    private void Fetch(uint number, WireResponse r)
    {
        if (number == 0 || number > _view.Count)
        {
            Error($"FETCH {number} with {_view.Count} messages known", r);
            return;
        }

        var m = _view[(int)number - 1];
        var items = r.Tokens[2].Items;
        var pairs = new Dictionary<string, WireToken>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i + 1 < items.Count; i += 2)
        {
            pairs[items[i].Text.ToUpperInvariant()] = items[i + 1];
        }

        if (pairs.TryGetValue("UID", out var uidToken))
        {
            var uid = uint.Parse(uidToken.Text, System.Globalization.CultureInfo.InvariantCulture);
            if (m.Uid != 0 && m.Uid != uid)
            {
                Error($"sequence {number} was UID {m.Uid}, now UID {uid}", r);
            }

            var index = (int)number - 1;
            if ((index > 0 && _view[index - 1].Uid >= uid && _view[index - 1].Uid != 0) || (index + 1 < _view.Count && _view[index + 1].Uid != 0 && _view[index + 1].Uid <= uid))
            {
                Error($"UID {uid} out of order at sequence {number}", r);
            }

            m.Uid = uid;
        }

        if (pairs.TryGetValue("FLAGS", out var flags))
        {
            var set = flags.Items.Select(f => f.Text).ToHashSet(StringComparer.OrdinalIgnoreCase);
            foreach (var k in set.Where(k => !k.StartsWith('\\')))
            {
                if (!_announced.Contains(k))
                {
                    Error($"keyword {k} used before FLAGS announced it", r);
                }
            }

            m.Flags = set;
            if (_storing is not null && m.Uid != 0)
            {
                _storing[m.Uid] = set.Contains(_keyword);
            }
        }

        if (m.Uid != 0 && _history.ContentOf(m.Uid) is { } content)
        {
            if (pairs.TryGetValue("BODY[]", out var body) && !body.IsNil && !body.Octets!.AsSpan().SequenceEqual(content))
            {
                Error($"BODY[] of UID {m.Uid} is not what was appended", r);
            }

            if (pairs.TryGetValue("BODY[HEADER.FIELDS (SUBJECT)]", out var header) && !header.IsNil)
            {
                var subject = Encoding.ASCII.GetString(content).Split("\r\n")[0] + "\r\n\r\n";
                if (Encoding.ASCII.GetString(header.Octets!) != subject)
                {
                    Error($"BODY[HEADER.FIELDS (SUBJECT)] of UID {m.Uid} is not the appended Subject", r);
                }
            }

            if (pairs.TryGetValue("RFC822.SIZE", out var size) && size.Text != content.Length.ToString(System.Globalization.CultureInfo.InvariantCulture))
            {
                Error($"RFC822.SIZE of UID {m.Uid} is not the appended size", r);
            }
        }
    }

    private string SeqRange()
    {
        var a = _random.Next(1, _view.Count + 1);
        var b = _random.Next(a, Math.Min(_view.Count, a + 5) + 1);
        return _random.Next(8) == 0 ? $"{a}:*" : $"{a}:{b}";
    }

    private string KnownUid()
    {
        var known = _view.Where(m => m.Uid != 0).Select(m => m.Uid).ToList();
        return known.Count == 0 ? "1:*" : known[_random.Next(known.Count)].ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task ExpectGreetingAsync()
    {
        var greeting = await ReadAsync("greeting");
        if (greeting.Word(0) != "OK")
        {
            Error("no greeting", greeting);
        }
    }

    private async Task<WireResponse> ReadAsync(string command)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        return await _reader.ReadAsync(timeout.Token) ?? throw new IOException($"The server closed the connection during '{command}'. Errors: {string.Join("; ", _errors)}");
    }

    private string NextTag()
    {
        Commands++;
        return $"c{_id}.{++_tags}";
    }

    private Task SendAsync(string text) => SendAsync(Encoding.ASCII.GetBytes(text));

    private async Task SendAsync(byte[] data)
    {
        await _stream.WriteAsync(data);
        await _stream.FlushAsync();
    }

    private void Error(string what, WireResponse? response) => _errors.Add($"client {_id}: {what}" + (response is null ? string.Empty : $": {response}"));
}
