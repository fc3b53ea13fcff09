using System.Globalization;
using System.Text;
using MailKitServer.Imap.Parsing;
using MailKitServer.Runtime;

namespace MailKitServer.Imap.Session;

/// <summary>
/// Reads one whole command: its lines and literals. A synchronizing literal gets "+" only when it is within the
/// limits (RFC 3501 §7.5); one over the limit is refused before its octets are read. APPEND literals are spooled
/// (memory, then a temporary file), never held whole in memory. A line over the limit is drained to the end of the
/// command, non-synchronizing literals announced on it included, and refused with the command's tag.
/// </summary>
internal sealed class ImapCommandReader(MailConnection connection, ImapOptions options)
{
    private ImapParseArena? _arena = new();

    /// <summary>
    /// Lets go of the parse arena while the session waits long (IDLE: 10,000 idling sessions keep about 1 KB each
    /// less); the next command makes a new one. The current command keeps its tag and name, not its tokens.
    /// </summary>
    public void TrimParseMemory()
    {
        _arena?.Command.KeepTagOnly();
        _arena = null;
    }

    public async ValueTask<ReadOutcome> ReadAsync()
    {
        // Made only for a command with literals; a one-line command goes through the arena and allocates nothing.
        StringBuilder? text = null;
        List<ImapToken>? literals = null;
        string? tag = null;
        var isAppend = false;
        while (true)
        {
            var read = await connection.ReadLineAsync(options.MaxLineLength).ConfigureAwait(false);
            if (read.Status == LineReadStatus.TooLong)
            {
                return await DrainLongCommandAsync(read, tag).ConfigureAwait(false);
            }

            if (read.Status != LineReadStatus.Line)
            {
                return new ReadOutcome(read.Status, null, null, tag);
            }

            var line = read.Line.Span;
            var (hasLiteral, size, synchronizing, markerStart) = FindLiteral(line);
            if (!hasLiteral && tag is null)
            {
                // The common case, a command on one line: parsed from its octets into the reusable arena.
                var arena = _arena ??= new ImapParseArena();
                arena.Load(line);
                if (ImapCommandParser.TryParse(arena, out var parseError))
                {
                    return new ReadOutcome(LineReadStatus.Line, arena.Command, null, null);
                }

                var space = line.IndexOf((byte)' ');
                return new ReadOutcome(LineReadStatus.Line, null, parseError, parseError == ImapCommandParser.MissingTagOrCommand ? ImapCommandParser.TagOf(line) : Encoding.UTF8.GetString(space > 0 ? line[..space] : line));
            }

            text ??= new StringBuilder();
            literals ??= [];
            text.Append(Encoding.UTF8.GetString(hasLiteral ? line[..markerStart] : line));
            if (tag is null)
            {
                var s = text.ToString();
                var sp = s.IndexOf(' ', StringComparison.Ordinal);
                tag = sp > 0 ? s[..sp] : s;
                var rest = sp > 0 ? s[(sp + 1)..] : string.Empty;
                isAppend = rest.StartsWith("APPEND ", StringComparison.OrdinalIgnoreCase);
            }

            if (!hasLiteral)
            {
                break;
            }

            var limit = LiteralLimit(isAppend, synchronizing);
            if (size > limit)
            {
                if (!synchronizing)
                {
                    // A non-synchronizing literal's octets are already on their way (RFC 7888 §4): end the session.
                    connection.Write("* BYE [TOOBIG] Literal too large\r\n");
                    return new ReadOutcome(LineReadStatus.Closed, null, null, tag);
                }

                connection.Write(isAppend ? $"{tag} NO [TOOBIG] Message too large\r\n" : $"{tag} BAD Literal too large\r\n");
                return new ReadOutcome(LineReadStatus.Line, null, null, tag);
            }

            if (synchronizing)
            {
                connection.Write("+ Ready for literal data\r\n"u8);
            }

            literals.Add(await ReadLiteralAsync(size, isAppend).ConfigureAwait(false));
            text.Append(ImapTokenizer.LiteralMarker);
        }

        return Complete(text.ToString(), literals, tag);
    }

    /// <summary>Tokenizes a command read with its literals and checks that it starts with a tag and a command name.</summary>
    private static ReadOutcome Complete(string text, List<ImapToken> literals, string? tag)
    {
        if (!ImapTokenizer.TryTokenize(text, literals, out var tokens, out var error))
        {
            return new ReadOutcome(LineReadStatus.Line, null, error, tag);
        }

        if (tokens.Count < 2 || tokens[0].Kind != ImapTokenKind.Atom || tokens[1].Kind != ImapTokenKind.Atom || !ValidTag(tokens[0].Text))
        {
            return new ReadOutcome(LineReadStatus.Line, null, ImapCommandParser.MissingTagOrCommand, tokens.Count > 0 && tokens[0].Kind == ImapTokenKind.Atom && ValidTag(tokens[0].Text) ? tokens[0].Text : "*");
        }

        return new ReadOutcome(LineReadStatus.Line, new ImapCommandLine(tokens[0].Text, tokens[1].Text.ToUpperInvariant(), tokens.Skip(2).ToList()), null, tokens[0].Text);
    }

    private static bool ValidTag(string tag) => ImapCommandParser.ValidTag(Encoding.UTF8.GetBytes(tag));

    private long LiteralLimit(bool isAppend, bool synchronizing)
    {
        var limit = isAppend ? options.AppendLimit : options.MaxLiteralSize;

        // RFC 7888 §5 (LITERAL-): non-synchronizing literals are limited to 4096 octets.
        return !synchronizing && !options.LiteralPlus ? Math.Min(limit, 4096) : limit;
    }

    /// <summary>
    /// A line of the command was over the limit (the connection discarded it). The rest of the command is drained
    /// so the next command is read in sync: a non-synchronizing literal announced at the end of the line is on its
    /// way and is skipped with the lines that follow it; after a synchronizing one the client waits for "+", which it
    /// does not get (RFC 3501 §7.5: a BAD instead ends the command). The command is refused with its tag.
    /// </summary>
    private async ValueTask<ReadOutcome> DrainLongCommandAsync(LineReadResult read, string? tag)
    {
        var head = read.Line.Span;
        var space = head.IndexOf((byte)' ');

        // The tag ends at the first space; a head without one may be cut inside the tag, which is then not known.
        tag ??= space > 0 || head.Length < 256 ? ImapCommandParser.TagOf(head) : "*";
        var isAppend = space > 0 && head.Length > space + 7 && System.Text.Ascii.EqualsIgnoreCase(head.Slice(space + 1, 7), "APPEND "u8);
        var end = read.Tail;
        while (true)
        {
            var (hasLiteral, size, synchronizing, _) = FindLiteral(end.Span);
            if (!hasLiteral || synchronizing)
            {
                return new ReadOutcome(LineReadStatus.TooLong, null, "Command line too long", tag);
            }

            if (size > LiteralLimit(isAppend, synchronizing: false))
            {
                // RFC 7888 §4: the octets are already on their way and too many to skip.
                connection.Write("* BYE [TOOBIG] Literal too large\r\n");
                return new ReadOutcome(LineReadStatus.Closed, null, null, tag);
            }

            await SkipAsync(size).ConfigureAwait(false);
            read = await connection.ReadLineAsync(options.MaxLineLength).ConfigureAwait(false);
            switch (read.Status)
            {
                case LineReadStatus.Line:
                    end = read.Line;
                    break;
                case LineReadStatus.TooLong:
                    end = read.Tail;
                    break;
                default:
                    return new ReadOutcome(read.Status, null, null, tag);
            }
        }
    }

    /// <summary>Reads and drops octets the client sends (a literal of a refused command).</summary>
    private async ValueTask SkipAsync(long size)
    {
        using var deadline = LiteralDeadline();
        while (size > 0)
        {
            var result = await connection.ReadAsync().ConfigureAwait(false);
            var take = Math.Min(size, result.Buffer.Length);
            connection.Input.AdvanceTo(result.Buffer.GetPosition(take));
            size -= take;
            if (size > 0 && result.IsCompleted)
            {
                throw new IOException("The connection closed inside a literal.");
            }
        }
    }

    private static (bool HasLiteral, long Size, bool Synchronizing, int MarkerStart) FindLiteral(ReadOnlySpan<byte> line)
    {
        // literal = "{" number ["+"] "}" CRLF, at the end of the line (RFC 3501 §4.3, RFC 7888);
        // literal8 = "~{" number64 ["+"] "}" CRLF (RFC 3516 §4.4, RFC 6855 §4, RFC 9051 §9) is read the same way.
        if (line.Length < 3 || line[^1] != (byte)'}')
        {
            return default;
        }

        var open = line.LastIndexOf((byte)'{');
        if (open < 0)
        {
            return default;
        }

        var inner = line[(open + 1)..^1];
        var synchronizing = true;
        if (!inner.IsEmpty && inner[^1] == (byte)'+')
        {
            synchronizing = false;
            inner = inner[..^1];
        }

        if (inner.IsEmpty || inner.Length > 18 || !long.TryParse(Encoding.ASCII.GetString(inner), NumberStyles.None, CultureInfo.InvariantCulture, out var size))
        {
            return default;
        }

        return (true, size, synchronizing, open > 0 && line[open - 1] == (byte)'~' ? open - 1 : open);
    }

    private async ValueTask<ImapToken> ReadLiteralAsync(long size, bool spool)
    {
        MessageSpool? target = spool && size > 64 * 1024 ? new MessageSpool(options.AppendLimit, 1024 * 1024) : null;
        var bytes = target is null ? new byte[size] : null;
        long done = 0;
        using var deadline = LiteralDeadline();
        while (done < size)
        {
            var result = await connection.ReadAsync().ConfigureAwait(false);
            var buffer = result.Buffer;
            var take = Math.Min(size - done, buffer.Length);
            foreach (var segment in buffer.Slice(0, take))
            {
                if (target is not null)
                {
                    target.Write(segment.Span);
                }
                else
                {
                    segment.Span.CopyTo(bytes.AsSpan((int)done));
                }

                done += segment.Length;
            }

            connection.Input.AdvanceTo(buffer.GetPosition(take));
            if (done < size && result.IsCompleted)
            {
                throw new IOException("The connection closed inside a literal.");
            }
        }

        return ImapToken.Literal(bytes, target);
    }

    /// <summary>A literal, however steadily it trickles in, must arrive within <see cref="ImapOptions.LiteralTimeout"/>; disposing clears the deadline.</summary>
    private ClearDeadline LiteralDeadline()
    {
        connection.Deadline = connection.Server.TimeProvider.GetUtcNow() + options.LiteralTimeout;
        return new ClearDeadline(connection);
    }

    private readonly struct ClearDeadline(MailConnection connection) : IDisposable
    {
        public void Dispose() => connection.Deadline = null;
    }
}
