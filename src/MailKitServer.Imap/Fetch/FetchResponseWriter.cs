using System.Buffers;
using System.Globalization;
using System.Text;
using MailKitServer.Imap.ObjectIds;
using MailKitServer.Imap.Responses;
using MailKitServer.Imap.Session;
using MailKitServer.Imap.Sorting;
using MailKitServer.Imap.Structure;
using MailKitServer.Storage;

namespace MailKitServer.Imap.Fetch;

/// <summary>
/// Writes the "* n FETCH (...)" response of one message for a parsed <see cref="FetchRequest"/>. Short items are
/// gathered and written with the next literal or at the end; literals are streamed from the store in blocks. A
/// message the store no longer has (expunged by another session, not reported yet) is answered from what the view
/// knows (UID, FLAGS, dates, sizes, a cached structure) and NIL for the rest, as Dovecot does (RFC 2180 §4.1); the
/// command then ends with OK [EXPUNGEISSUED]. If writing fails after the response began, the response is completed
/// (an open literal padded) and <see cref="FetchResponseAbortedException"/> is thrown, so no half-written response is
/// ever left on the wire.
/// </summary>
/// <param name="session">The session: the responses go to its connection, with its enabled extensions.</param>
/// <param name="selected">The selected mailbox.</param>
/// <param name="request">The parsed items.</param>
internal sealed class FetchResponseWriter(ImapSession session, SelectedMailbox selected, FetchRequest request)
{
    /// <summary>Dovecot's NIL answers for structure items of a message that is gone.</summary>
    private const string EnvelopeNil = "(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)";
    private const string BodyNil = "(\"text\" \"plain\" NIL NIL NIL \"7bit\" 0 0)";
    private const string BodyStructureNil = "(\"text\" \"plain\" NIL NIL NIL \"7bit\" 0 0 NIL NIL NIL NIL)";
    private const int Block = 64 * 1024;

    private readonly StringBuilder _line = new();
    private readonly StringBuilder _envelopeText = new();
    private readonly Encoder _encoder = Encoding.UTF8.GetEncoder();
    private byte[] _octets = new byte[1024];
    private bool _opened;
    private long _literalRemaining;
    private byte[]? _envelope;

    /// <summary>Whether some item of some message was answered NIL because the message is gone.</summary>
    public bool MissingData { get; private set; }

    /// <summary>Writes one message's response.</summary>
    /// <param name="index">The sequence number minus one.</param>
    /// <param name="seenChanged">Whether this FETCH just set \Seen (then FLAGS goes in even if not asked, RFC 9051 §6.4.5).</param>
    /// <returns>A task.</returns>
    public async ValueTask WriteAsync(int index, bool seenChanged)
    {
        var entry = selected[index];
        var info = entry.Info;
        var enabled = session.Enabled;
        // ENVELOPE alone needs no header read when the listener's cache has the formatted answer.
        _envelope = null;
        var root = request.NeedsStructure ? await selected.StructureAsync(info.Uid, session.Aborted).ConfigureAwait(false)
            : request.NeedsHeaderOnly && !selected.TryGetEnvelope(info.Uid, out _envelope) ? await selected.EnvelopeFieldsAsync(info.Uid, session.Aborted).ConfigureAwait(false)
            : null;
        var showFlags = request.HasFlags || seenChanged;
        if (showFlags && info.Keywords.Count > 0)
        {
            // Keywords are announced before a FETCH uses them.
            session.Connection.Write(selected.Announce(info.Keywords));
        }

        var uidOnly = (enabled & ImapExtensions.UidOnly) != 0;
        selected.AppendResponseStart(index, uidOnly, _line.Clear());
        _opened = false;
        try
        {
            var first = true;
            foreach (var item in request.Items)
            {
                if (uidOnly && item.Kind == FetchItemKind.Uid && !request.UidAsked)
                {
                    // RFC 9586 §3: UIDFETCH carries the UID up front; UID goes in only when the client asked for it.
                    continue;
                }

                if (!first)
                {
                    _line.Append(' ');
                }

                first = false;
                await WriteItemAsync(item, entry, root, enabled).ConfigureAwait(false);
            }

            if (seenChanged && !request.HasFlags)
            {
                _line.Append(first ? string.Empty : " ").Append("FLAGS ").Append(selected.FlagsOf(info, enabled));
                first = false;
            }

            if (showFlags)
            {
                selected.Reported(entry);
                if ((enabled & ImapExtensions.CondStore) != 0 && !request.HasModSeq)
                {
                    // RFC 7162 §3.1.4: once CONDSTORE is enabled, a FETCH with FLAGS carries MODSEQ.
                    _line.Append(" MODSEQ (").Append(info.ModSeq).Append(')');
                }
            }

            _line.Append(")\r\n");
            session.Connection.Write(HeaderOctets.Encode(_line, _encoder, ref _octets));
        }
        catch (Exception ex) when (ex is not OperationCanceledException && _opened)
        {
            var padded = _literalRemaining > 0;
            Pad();
            session.Connection.Write(")\r\n"u8);
            throw new FetchResponseAbortedException(padded, ex);
        }
    }

    private async ValueTask WriteItemAsync(FetchItem item, ViewEntry entry, StructurePart? root, ImapExtensions enabled)
    {
        var info = entry.Info;
        switch (item.Kind)
        {
            case FetchItemKind.Uid:
                _line.Append("UID ").Append(info.Uid);
                break;
            case FetchItemKind.Flags:
                _line.Append("FLAGS ").Append(selected.FlagsOf(info, enabled));
                break;
            case FetchItemKind.InternalDate:
                _line.Append("INTERNALDATE ").Append(ImapFormat.DateTime(info.InternalDate));
                break;
            case FetchItemKind.Rfc822Size:
                _line.Append("RFC822.SIZE ").Append(info.Size.ToString(CultureInfo.InvariantCulture));
                break;
            case FetchItemKind.ModSeq:
                _line.Append("MODSEQ (").Append(info.ModSeq).Append(')');
                break;
            case FetchItemKind.EmailId:
                // RFC 8474 §5.3 (EMAILID is only asked for where OBJECTID is advertised; NIL if a store gave none).
                _line.Append("EMAILID ").Append(info.EmailId is { } emailId ? $"({emailId})" : "NIL");
                break;
            case FetchItemKind.ThreadId:
                _line.Append("THREADID ").Append(await ThreadIdAsync(entry).ConfigureAwait(false) is { } threadId ? $"({threadId})" : "NIL");
                break;
            case FetchItemKind.Preview:
                // RFC 8970 §3.2: the preview as a string ("" when there is no text); NIL only for LAZY.
                if (await MessagePreview.GetAsync(session, selected, info.Uid, item.Lazy).ConfigureAwait(false) is { } preview)
                {
                    WritePreview(preview);
                }
                else
                {
                    // NIL without LAZY only when the message is gone (then the command ends with EXPUNGEISSUED).
                    _line.Append("PREVIEW ").Append(item.Lazy ? "NIL" : Missing("NIL"));
                }

                break;
            case FetchItemKind.SaveDate:
                // RFC 8514 §4.2: NIL when the store does not keep the save date.
                _line.Append("SAVEDATE ").Append(info.SaveDate is { } saved ? ImapFormat.DateTime(saved) : "NIL");
                break;
            case FetchItemKind.Envelope:
                WriteEnvelope(info.Uid, root);
                break;
            case FetchItemKind.Body:
                _line.Append("BODY ").Append(root is null ? Missing(BodyNil) : ImapStructureWriter.BodyStructure(root, false, session.Imap4rev2));
                break;
            case FetchItemKind.BodyStructure:
                _line.Append("BODYSTRUCTURE ").Append(root is null ? Missing(BodyStructureNil) : ImapStructureWriter.BodyStructure(root, true, session.Imap4rev2));
                break;
            case FetchItemKind.Rfc822:
                await WriteRangeAsync("RFC822", info.Uid, 0, info.Size).ConfigureAwait(false);
                break;
            case FetchItemKind.Rfc822Header:
                await WriteRangeAsync("RFC822.HEADER", info.Uid, root, r => (0, r.BodyOffset)).ConfigureAwait(false);
                break;
            case FetchItemKind.Rfc822Text:
                await WriteRangeAsync("RFC822.TEXT", info.Uid, root, r => (r.BodyOffset, r.EndOffset)).ConfigureAwait(false);
                break;
            case FetchItemKind.BodySection:
                await WriteSectionAsync(item.Section!, info, root).ConfigureAwait(false);
                break;
            case FetchItemKind.Binary or FetchItemKind.BinarySize:
                await WriteBinaryAsync(item, info, root).ConfigureAwait(false);
                break;
        }
    }

    /// <summary>
    /// ENVELOPE: the octets the listener's cache keeps, else formatted from the header fields (in the writer's own
    /// builder and buffer), sent and kept (issue 24: a repeated FETCH ENVELOPE then neither parses nor formats nor
    /// encodes again, and a cached answer takes half the memory a string would).
    /// </summary>
    private void WriteEnvelope(uint uid, StructurePart? root)
    {
        _line.Append("ENVELOPE ");
        if (_envelope is null && root is not null && !selected.TryGetEnvelope(uid, out _envelope))
        {
            var text = ImapStructureWriter.Envelope(_envelopeText.Clear(), ImapEnvelope.FromMessage(root));
            _envelope = HeaderOctets.Encode(text, _encoder, ref _octets).ToArray();
            selected.KeepEnvelope(uid, _envelope);
        }

        if (_envelope is null)
        {
            _line.Append(Missing(EnvelopeNil));
            return;
        }

        FlushLine();
        session.Connection.Write(_envelope);
    }

    /// <summary>The THREADID from the message's header data (cached for SORT and THREAD); NIL without an EMAILID store.</summary>
    private async ValueTask<string?> ThreadIdAsync(ViewEntry entry)
    {
        if (entry.Info.EmailId is null)
        {
            // RFC 8474 §5.2: a store without object ids has no thread ids either.
            return null;
        }

        var index = selected.IndexOfUid(entry.Info.Uid);
        var data = index < 0 ? MessageSortData.Empty : (await SortableMessageLoader.LoadAsync(session, [index]).ConfigureAwait(false))[0].Data;
        return ThreadIds.Of(data, entry.Info.EmailId);
    }

    private async ValueTask WriteSectionAsync(BodySection section, MessageInfo info, StructurePart? root)
    {
        if (section.Part.Count == 0 && section.Spec == SectionSpec.Whole)
        {
            var (start, end) = section.Partial?.Within(info.Size) ?? (0, info.Size);
            await WriteRangeAsync(section.ResponseName, info.Uid, start, end - start).ConfigureAwait(false);
            return;
        }

        if (root is null)
        {
            _line.Append(section.ResponseName).Append(' ').Append(Missing("NIL"));
            return;
        }

        var (from, to) = SectionLocator.Locate(root, info.Size, section);
        if (section.Spec is not (SectionSpec.HeaderFields or SectionSpec.HeaderFieldsNot))
        {
            var (start, end) = section.Partial?.Within(to - from) ?? (0, to - from);
            await WriteRangeAsync(section.ResponseName, info.Uid, from + start, end - start).ConfigureAwait(false);
            return;
        }

        var header = to > from ? await selected.LoadAsync(info.Uid, from, to - from, session.Aborted).ConfigureAwait(false) : [];
        if (header is null)
        {
            _line.Append(section.ResponseName).Append(' ').Append(Missing("NIL"));
            return;
        }

        var bytes = HeaderFilter.Select(header, section.Fields, section.Spec == SectionSpec.HeaderFieldsNot);
        bytes.AsSpan().Replace((byte)0, (byte)0x80);
        var (s, e) = section.Partial?.Within(bytes.Length) ?? (0, bytes.Length);
        WriteLiteral(section.ResponseName, bytes.AsSpan((int)s, (int)(e - s)), literal8: false);
    }

    private async ValueTask WriteBinaryAsync(FetchItem item, MessageInfo info, StructurePart? root)
    {
        var section = item.Section!;
        if (root is null)
        {
            _line.Append(section.ResponseName).Append(' ').Append(Missing(item.Kind == FetchItemKind.BinarySize ? "0" : "NIL"));
            return;
        }

        // RFC 3516 §4.1: BINARY[] is the whole message, header included; BINARY[n] the body of part n, every part
        // inside it converted (BinaryConverter).
        var target = SectionLocator.Find(root, section.Part);
        var withHeader = section.Part.Count == 0;
        byte[] decoded = [];
        if (target is not null)
        {
            var from = BinaryConverter.SourceStart(target, withHeader);
            var source = await selected.LoadAsync(info.Uid, from, target.EndOffset - from, session.Aborted).ConfigureAwait(false);
            if (source is null)
            {
                _line.Append(section.ResponseName).Append(' ').Append(Missing(item.Kind == FetchItemKind.BinarySize ? "0" : "NIL"));
                return;
            }

            decoded = BinaryConverter.Convert(target, withHeader, source);
        }

        if (item.Kind == FetchItemKind.BinarySize)
        {
            _line.Append(section.ResponseName).Append(' ').Append(decoded.Length);
            return;
        }

        var (start, end) = section.Partial?.Within(decoded.Length) ?? (0, decoded.Length);
        var data = decoded.AsSpan((int)start, (int)(end - start));

        // RFC 3516 §4.2: data holding NUL goes as a literal8.
        WriteLiteral(section.ResponseName, data, literal8: data.Contains((byte)0));
    }

    private async ValueTask WriteRangeAsync(string name, uint uid, StructurePart? root, Func<StructurePart, (long From, long To)> range)
    {
        if (root is null)
        {
            _line.Append(name).Append(' ').Append(Missing("NIL"));
            return;
        }

        var (from, to) = range(root);
        await WriteRangeAsync(name, uid, from, Math.Max(0, to - from)).ConfigureAwait(false);
    }

    /// <summary>Sends a byte range of the stored message as a literal, copied from the store's stream in blocks.</summary>
    private async ValueTask WriteRangeAsync(string name, uint uid, long offset, long length)
    {
        var connection = session.Connection;
        await using var stream = await selected.View.OpenContentAsync(uid, offset, length, session.Aborted).ConfigureAwait(false);
        if (stream is null)
        {
            _line.Append(name).Append(' ').Append(Missing("NIL"));
            return;
        }

        _line.Append(name).Append(" {").Append(length).Append("}\r\n");
        FlushLine();
        _literalRemaining = length;
        var buffer = ArrayPool<byte>.Shared.Rent(Block);
        try
        {
            int n;
            while (_literalRemaining > 0 && (n = await stream.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, _literalRemaining)), session.Aborted).ConfigureAwait(false)) > 0)
            {
                // RFC 9051 §4.3: a literal holds no NUL; as Dovecot does, a NUL stored anyway goes out as 0x80.
                buffer.AsSpan(0, n).Replace((byte)0, (byte)0x80);
                connection.Output.Write(buffer.AsSpan(0, n));
                _literalRemaining -= n;
                if (connection.Output.UnflushedBytes >= Block)
                {
                    await connection.FlushAsync().ConfigureAwait(false);
                }
            }

            if (_literalRemaining > 0)
            {
                // The store gave fewer octets than it said the message has: the announced literal cannot be honoured.
                throw new IOException($"The stored message (UID {uid}) ended {_literalRemaining} octets early.");
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>RFC 8970 §3.3: UTF-8 text; quoted when plain ASCII allows it, else a literal.</summary>
    private void WritePreview(string preview)
    {
        if (preview.All(c => c is >= ' ' and <= '~' and not '"' and not '\\'))
        {
            _line.Append("PREVIEW \"").Append(preview).Append('"');
            return;
        }

        WriteLiteral("PREVIEW", System.Text.Encoding.UTF8.GetBytes(preview), literal8: false);
    }

    private void WriteLiteral(string name, ReadOnlySpan<byte> data, bool literal8)
    {
        _line.Append(name).Append(literal8 ? " ~{" : " {").Append(data.Length).Append("}\r\n");
        FlushLine();
        session.Connection.Write(data);
    }

    /// <summary>Writes what is gathered; from here on the response is open on the wire.</summary>
    private void FlushLine()
    {
        session.Connection.Write(HeaderOctets.Encode(_line, _encoder, ref _octets));
        _line.Clear();
        _opened = true;
    }

    /// <summary>Fills the rest of an announced literal, so the client reads a complete response.</summary>
    private void Pad()
    {
        var output = session.Connection.Output;
        while (_literalRemaining > 0)
        {
            var n = (int)Math.Min(_literalRemaining, Block);
            var span = output.GetSpan(n)[..n];
            span.Fill((byte)' ');
            output.Advance(n);
            _literalRemaining -= n;
        }
    }

    private string Missing(string nil)
    {
        MissingData = true;
        return nil;
    }
}
