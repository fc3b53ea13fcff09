using MailKitServer.Imap.Sorting;
using MailKitServer.Imap.Structure;

namespace MailKitServer.Imap.Session;

/// <summary>
/// The selected mailbox's message content: byte ranges read from the store, and MIME structures and header blocks
/// through the listener's <see cref="StructureCache"/> (so FETCH, SEARCH and SORT read a message once).
/// </summary>
internal sealed partial class SelectedMailbox
{
    /// <summary>Reads into one array of the expected size up to this many octets; larger reads grow a stream.</summary>
    private const long PresizedReadLimit = 64L * 1024 * 1024;

    /// <summary>
    /// Reads a byte range of a stored message; null when the store no longer has it. The array is allocated once at
    /// the size the range should have (the range asked for, else the rest of the message by its size), rather than
    /// grown in a stream and copied out: SEARCH TEXT reads every message of a 20,000-message mailbox whole (issue 24).
    /// </summary>
    public async ValueTask<byte[]?> LoadAsync(uint uid, long offset, long? length, CancellationToken cancellationToken)
    {
        await using var stream = await View.OpenContentAsync(uid, offset, length, cancellationToken).ConfigureAwait(false);
        if (stream is null)
        {
            return null;
        }

        // The size the store knows without a look at the file (none when it would have to stat it: then read to the end).
        var expected = length ?? (IndexOfUid(uid) is var i and >= 0 && InfoAt(i).SizeIfKnown is var size and >= 0 ? size - offset : 0);
        if (expected <= 0)
        {
            var rest = (await ReadToEndAsync(stream, long.MaxValue, cancellationToken).ConfigureAwait(false))!;
            if (offset == 0 && length is null)
            {
                SizeRead(uid, rest.Length);
            }

            return rest;
        }

        using var copy = new MemoryStream();
        if (expected <= PresizedReadLimit)
        {
            // Not zeroed first: the read fills it, and only what was read is ever returned.
            var buffer = GC.AllocateUninitializedArray<byte>((int)expected);
            var read = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            if (read < buffer.Length)
            {
                return buffer.AsSpan(0, read).ToArray();
            }

            // All that was expected: done unless the content is longer than its recorded size (then read on).
            var probe = new byte[1];
            if (length is not null || await stream.ReadAsync(probe, cancellationToken).ConfigureAwait(false) == 0)
            {
                return buffer;
            }

            copy.Write(buffer);
            copy.Write(probe);
        }

        await stream.CopyToAsync(copy, cancellationToken).ConfigureAwait(false);
        return copy.ToArray();
    }

    /// <summary>
    /// A whole message of at most <paramref name="limit"/> octets in a pooled array (<see cref="PooledMessage"/>; the
    /// caller disposes it); null when it is longer or gone. One read into a pooled 64 KB chunk is enough for most
    /// messages, and the chunk is what the caller gets: no copy.
    /// </summary>
    /// <param name="uid">The message.</param>
    /// <param name="limit">The most octets kept.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The octets, or null.</returns>
    public async ValueTask<PooledMessage?> LoadPooledAsync(uint uid, int limit, CancellationToken cancellationToken)
    {
        await using var stream = await View.OpenContentAsync(uid, 0, null, cancellationToken).ConfigureAwait(false);
        if (stream is null)
        {
            return null;
        }

        var array = System.Buffers.ArrayPool<byte>.Shared.Rent(Math.Min(64 * 1024, limit + 1));
        var length = 0;
        try
        {
            // Read until the end, growing the rented array, and stop as soon as more than the limit came.
            while (true)
            {
                if (length == array.Length)
                {
                    if (length > limit)
                    {
                        break;
                    }

                    var larger = System.Buffers.ArrayPool<byte>.Shared.Rent((int)Math.Min((long)array.Length * 2, (long)limit + 1));
                    array.AsSpan(0, length).CopyTo(larger);
                    System.Buffers.ArrayPool<byte>.Shared.Return(array);
                    array = larger;
                }

                var read = await stream.ReadAsync(array.AsMemory(length), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                length += read;
            }

            if (length > limit)
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(array);
                return null;
            }
        }
        catch
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(array);
            throw;
        }

        SizeRead(uid, length);
        return new PooledMessage(array, length);
    }

    /// <summary>The whole message was read: the store may keep its size instead of looking it up later.</summary>
    private void SizeRead(uint uid, long size)
    {
        if (IndexOfUid(uid) is var index and >= 0)
        {
            InfoAt(index).SizeRead(size);
        }
    }

    /// <summary>
    /// The rest of a stream, or null when it holds more than <paramref name="limit"/> octets (never more than that is
    /// kept): one read into a pooled 64 KB chunk is enough for most messages.
    /// </summary>
    private static async ValueTask<byte[]?> ReadToEndAsync(Stream stream, long limit, CancellationToken cancellationToken)
    {
        const int Chunk = 64 * 1024;
        var chunk = System.Buffers.ArrayPool<byte>.Shared.Rent(Chunk);
        try
        {
            var read = await stream.ReadAtLeastAsync(chunk.AsMemory(0, Chunk), Chunk, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            if (read < Chunk)
            {
                return read > limit ? null : chunk.AsSpan(0, read).ToArray();
            }

            using var copy = new MemoryStream();
            do
            {
                if (copy.Length + read > limit)
                {
                    return null;
                }

                copy.Write(chunk, 0, read);
            }
            while ((read = await stream.ReadAsync(chunk.AsMemory(0, Chunk), cancellationToken).ConfigureAwait(false)) > 0);

            return copy.ToArray();
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    /// <summary>
    /// A message's MIME structure, from the server-wide cache or parsed from the store's stream (never loaded whole);
    /// null when the store no longer has the message and the cache does not know it.
    /// </summary>
    public async ValueTask<StructurePart?> StructureAsync(uint uid, CancellationToken cancellationToken)
    {
        if (_structures.TryGet(Key, uid, out var root))
        {
            return root;
        }

        await using var stream = await View.OpenContentAsync(uid, 0, null, cancellationToken).ConfigureAwait(false);
        if (stream is null)
        {
            return null;
        }

        root = await StructureParser.ParseAsync(stream, null, cancellationToken).ConfigureAwait(false);
        _structures.Add(Key, uid, root);
        return root;
    }

    /// <summary>
    /// A message's MIME structure from the cache, else parsed from its whole content, which SEARCH's scan over the
    /// mailbox read: kept in the cache only where there is room (it displaces nothing).
    /// </summary>
    /// <param name="uid">The message.</param>
    /// <param name="content">The whole message.</param>
    /// <returns>The structure.</returns>
    public StructurePart StructureOf(uint uid, ReadOnlySpan<byte> content)
    {
        if (_structures.TryGet(Key, uid, out var root))
        {
            return root;
        }

        root = StructureParser.Parse(content);
        _structures.Add(Key, uid, root, displace: false);
        return root;
    }

    /// <summary>Whether the listener's cache holds the message's structure (reading it costs no file access).</summary>
    /// <param name="uid">The message.</param>
    /// <returns><see langword="true"/> when cached.</returns>
    public bool HasCachedStructure(uint uid) => CachedStructure(uid) is not null;

    /// <summary>The message's structure when the listener's cache holds it.</summary>
    /// <param name="uid">The message.</param>
    /// <returns>The structure, or <see langword="null"/> when not cached.</returns>
    public StructurePart? CachedStructure(uint uid) => _structures.TryGet(Key, uid, out var root) ? root : null;

    /// <summary>The message's top-level header block when the listener's cache holds it (no file access).</summary>
    /// <param name="uid">The message.</param>
    /// <returns>The octets up to the empty line, or <see langword="null"/> when not cached.</returns>
    public byte[]? CachedHeaderBlock(uint uid) => _structures.HeaderBlocks.TryGet(Key, uid, out var block) ? block : null;

    /// <summary>
    /// What ENVELOPE reads of a message: the cached structure when there is one, else the header block
    /// (<see cref="HeaderBlockAsync"/>) with only the envelope's fields made into text
    /// (<see cref="HeaderParser.ParseEnvelopeFields"/>). <see langword="null"/> when the message is gone.
    /// </summary>
    /// <param name="uid">The message.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>A part whose header fields give the envelope, or <see langword="null"/>.</returns>
    public async ValueTask<StructurePart?> EnvelopeFieldsAsync(uint uid, CancellationToken cancellationToken) =>
        CachedStructure(uid) ?? (await HeaderBlockAsync(uid, cancellationToken).ConfigureAwait(false) is { } block
            ? StructurePart.HeaderOnly(HeaderParser.ParseEnvelopeFields(block))
            : null);

    /// <summary>
    /// The message's top-level header block as octets: the cached block, else the header alone is read (never the
    /// body) and its block cached. <see langword="null"/> when the message is gone.
    /// </summary>
    /// <param name="uid">The message.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The octets up to the empty line, or <see langword="null"/>.</returns>
    public async ValueTask<byte[]?> HeaderBlockAsync(uint uid, CancellationToken cancellationToken)
    {
        if (_structures.HeaderBlocks.TryGet(Key, uid, out var block))
        {
            return block;
        }

        await using var stream = await View.OpenContentAsync(uid, 0, null, cancellationToken).ConfigureAwait(false);
        if (stream is null)
        {
            return null;
        }

        block = await MessageHeaderReader.ReadBlockAsync(stream, StructureLimits.Default.MaxHeaderBytes, cancellationToken).ConfigureAwait(false);
        _structures.HeaderBlocks.Add(Key, uid, block, block.Length);
        return block;
    }

    /// <summary>The message's ENVELOPE answer when the listener's cache holds it (no file access, no parse).</summary>
    /// <param name="uid">The message.</param>
    /// <param name="envelope">The parenthesized envelope as sent in a FETCH response (its octets, UTF-8).</param>
    /// <returns><see langword="true"/> when cached.</returns>
    public bool TryGetEnvelope(uint uid, out byte[] envelope) => _structures.Envelopes.TryGet(Key, uid, out envelope);

    /// <summary>Keeps a message's ENVELOPE answer, as sent, in the listener's cache.</summary>
    /// <param name="uid">The message.</param>
    /// <param name="envelope">The parenthesized envelope's octets (RFC 3501 §7.4.2).</param>
    public void KeepEnvelope(uint uid, byte[] envelope) => _structures.Envelopes.Add(Key, uid, envelope, 32 + envelope.Length);
}
