using System.Text;

namespace MailKitServer.Imap.Parsing;

/// <summary>
/// A session's reusable parsing memory: the current command's octets, a pool of tokens and lists, and the command
/// object. Parsing a command takes nothing new from the heap once the pools have grown to the session's largest
/// command; a token makes its string only when the session reads its text. Everything is reused by the next
/// command, so nothing parsed may be kept beyond the command it belongs to.
/// </summary>
internal sealed class ImapParseArena
{
    private readonly List<ImapToken> _tokens = [];
    private readonly List<List<ImapToken>> _lists = [];
    private readonly List<List<ImapToken>> _stack = [];
    private byte[] _buffer = new byte[256];
    private int _length;
    private int _tokensUsed;
    private int _listsUsed;

    /// <summary>The command being parsed (reused).</summary>
    public ImapCommandLine Command { get; } = new();

    /// <summary>The command's octets.</summary>
    public ReadOnlySpan<byte> Octets => _buffer.AsSpan(0, _length);

    /// <summary>Takes a copy of a command line and forgets the previous command.</summary>
    public void Load(ReadOnlySpan<byte> line)
    {
        if (_buffer.Length < line.Length)
        {
            _buffer = new byte[Math.Max(line.Length, _buffer.Length * 2)];
        }

        line.CopyTo(_buffer);
        _length = line.Length;
        _tokensUsed = 0;
        _listsUsed = 0;
    }

    public ReadOnlySpan<byte> Span(int start, int length) => _buffer.AsSpan(start, length);

    public ImapToken Token(ImapTokenKind kind, int start, int length, bool escaped, IReadOnlyList<ImapToken>? items)
    {
        if (_tokensUsed == _tokens.Count)
        {
            _tokens.Add(new ImapToken());
        }

        var token = _tokens[_tokensUsed++];
        token.Set(kind, this, start, length, escaped, items);
        return token;
    }

    public List<ImapToken> List()
    {
        if (_listsUsed == _lists.Count)
        {
            _lists.Add([]);
        }

        var list = _lists[_listsUsed++];
        list.Clear();
        return list;
    }

    /// <summary>The parser's stack of open lists (reused).</summary>
    public List<List<ImapToken>> Stack()
    {
        _stack.Clear();
        return _stack;
    }

    /// <summary>The text of a range: UTF-8, with the quoted-string escapes \" and \\ removed when there are any.</summary>
    public string Decode(int start, int length, bool escaped)
    {
        var span = _buffer.AsSpan(start, length);
        if (!escaped)
        {
            return Encoding.UTF8.GetString(span);
        }

        var plain = new byte[length];
        var n = 0;
        for (var i = 0; i < span.Length; i++)
        {
            if (span[i] == (byte)'\\' && i + 1 < span.Length && span[i + 1] is (byte)'"' or (byte)'\\')
            {
                i++;
            }

            plain[n++] = span[i];
        }

        return Encoding.UTF8.GetString(plain, 0, n);
    }
}
