using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace MailKitServer.Smtp.SenderAuth.Dkim;

/// <summary>
/// The canonical body of a message (RFC 6376 §3.4.3 simple, §3.4.4 relaxed), computed as the octets stream by: its
/// length and the hash of its first <c>limit</c> octets. Lines end at LF (a CR before it is dropped) and every line
/// ends in CRLF; empty lines at the end are removed, as is white space at line ends (relaxed) and runs of it become
/// one space (relaxed). An empty body is CRLF (simple) or nothing (relaxed). Memory use does not depend on the input.
/// </summary>
internal sealed class DkimBodyCanonicalizer : IDisposable
{
    private static readonly byte[] CrLf = "\r\n"u8.ToArray();
    private readonly bool _relaxed;
    private readonly long _limit;
    private readonly IncrementalHash _hash;
    private readonly List<byte> _line = [];
    private long _emptyLines;
    private bool _pendingSpace;
    private bool _pendingCr;
    private bool _lineHadContent;
    private long _hashed;

    /// <summary>Creates a canonicalizer.</summary>
    /// <param name="relaxed">Relaxed (true) or simple (false).</param>
    /// <param name="limit">How many octets to hash (l=), or -1 for all.</param>
    /// <param name="hash">SHA-256 or SHA-1.</param>
    public DkimBodyCanonicalizer(bool relaxed, long limit, HashAlgorithmName hash)
    {
        _relaxed = relaxed;
        _limit = limit;
        _hash = IncrementalHash.CreateHash(hash);
    }

    /// <summary>The length of the canonical body so far (all of it after <see cref="Complete"/>).</summary>
    public long Length { get; private set; }

    /// <summary>Feeds body octets.</summary>
    public void Write(ReadOnlySpan<byte> data)
    {
        foreach (var b in data)
        {
            if (b == (byte)'\n')
            {
                _pendingCr = false;
                EndLine();
                continue;
            }

            if (_pendingCr)
            {
                // A CR not followed by LF is content.
                _pendingCr = false;
                Content((byte)'\r');
            }

            if (b == (byte)'\r')
            {
                _pendingCr = true;
            }
            else
            {
                Content(b);
            }
        }
    }

    /// <summary>Ends the body and returns the hash of the canonical body's first <c>limit</c> octets.</summary>
    public byte[] Complete()
    {
        if (_pendingCr)
        {
            _pendingCr = false;
            Content((byte)'\r');
        }

        if (_line.Count > 0)
        {
            // A last line without CRLF gets one.
            EndLine();
        }

        if (Length == 0 && !_relaxed)
        {
            // §3.4.3: an empty body (or only empty lines) is a single CRLF in simple canonicalization.
            Emit(CrLf);
        }

        return _hash.GetHashAndReset();
    }

    public void Dispose() => _hash.Dispose();

    private void Content(byte b)
    {
        if (_relaxed && b is (byte)' ' or (byte)'\t')
        {
            // §3.4.4: runs of WSP become one SP; WSP at the line's end disappears.
            _pendingSpace = true;
            return;
        }

        if (_pendingSpace)
        {
            _line.Add((byte)' ');
            _pendingSpace = false;
        }

        _line.Add(b);
        if (_line.Count >= 4096)
        {
            // A long line: what is held so far cannot become an empty line any more; pass it on.
            FlushEmptyLines();
            Emit(CollectionsMarshal.AsSpan(_line));
            _line.Clear();
            _lineHadContent = true;
        }
    }

    private void EndLine()
    {
        _pendingSpace = false;
        if (_line.Count == 0 && !_lineHadContent)
        {
            // Empty lines are held back: at the end of the body they are dropped (§3.4.3, §3.4.4).
            _emptyLines++;
            return;
        }

        FlushEmptyLines();
        Emit(CollectionsMarshal.AsSpan(_line));
        Emit(CrLf);
        _line.Clear();
        _lineHadContent = false;
    }

    private void FlushEmptyLines()
    {
        for (; _emptyLines > 0; _emptyLines--)
        {
            Emit(CrLf);
        }
    }

    private void Emit(ReadOnlySpan<byte> span)
    {
        Length += span.Length;
        if (_limit < 0 || _hashed < _limit)
        {
            var take = _limit < 0 ? span.Length : (int)Math.Min(span.Length, _limit - _hashed);
            _hash.AppendData(span[..take]);
            _hashed += take;
        }
    }
}
