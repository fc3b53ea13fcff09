using System.Buffers.Binary;
using System.Security.Cryptography;

namespace MailKitServer.Sasl;

/// <summary>
/// HMAC-MD5 (RFC 2104) computed from precomputed MD5 chaining values, so a directory can keep CRAM-MD5 key state
/// instead of the password. The framework's MD5 does not expose its state, hence this small MD5 compression function (RFC 1321).
/// </summary>
internal static class HmacMd5State
{
    private static readonly uint[] K = Enumerable.Range(0, 64).Select(i => (uint)(long)Math.Floor(Math.Abs(Math.Sin(i + 1)) * 4294967296.0)).ToArray();

    private static readonly int[] S =
    [
        7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
        5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
        4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
        6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
    ];

    /// <summary>Computes the inner and outer MD5 states for a key.</summary>
    /// <param name="key">The key (the password's bytes).</param>
    /// <returns>The two 16-octet states.</returns>
    public static (byte[] Inner, byte[] Outer) Derive(ReadOnlySpan<byte> key)
    {
        Span<byte> block = stackalloc byte[64];
        block.Clear();
        if (key.Length > 64)
        {
            MD5.HashData(key, block);
        }
        else
        {
            key.CopyTo(block);
        }

        Span<byte> padded = stackalloc byte[64];
        for (var i = 0; i < 64; i++)
        {
            padded[i] = (byte)(block[i] ^ 0x36);
        }

        var inner = InitialState();
        Compress(inner, padded);
        for (var i = 0; i < 64; i++)
        {
            padded[i] = (byte)(block[i] ^ 0x5c);
        }

        var outer = InitialState();
        Compress(outer, padded);
        return (ToBytes(inner), ToBytes(outer));
    }

    /// <summary>Computes HMAC-MD5 of a message from the two states.</summary>
    /// <param name="inner">The inner state.</param>
    /// <param name="outer">The outer state.</param>
    /// <param name="message">The message (the CRAM-MD5 challenge).</param>
    /// <returns>The 16-octet MAC.</returns>
    public static byte[] Compute(ReadOnlySpan<byte> inner, ReadOnlySpan<byte> outer, ReadOnlySpan<byte> message)
    {
        var innerHash = Continue(FromBytes(inner), message);
        return Continue(FromBytes(outer), innerHash);
    }

    private static byte[] Continue(uint[] state, ReadOnlySpan<byte> data)
    {
        // One 64-octet block (the padded key) has already been compressed into the state.
        var totalBits = (ulong)(64 + data.Length) * 8;
        var i = 0;
        for (; i + 64 <= data.Length; i += 64)
        {
            Compress(state, data.Slice(i, 64));
        }

        Span<byte> tail = stackalloc byte[128];
        tail.Clear();
        var rest = data.Length - i;
        data[i..].CopyTo(tail);
        tail[rest] = 0x80;
        var blocks = rest + 9 <= 64 ? 1 : 2;
        BinaryPrimitives.WriteUInt64LittleEndian(tail.Slice((blocks * 64) - 8, 8), totalBits);
        for (var b = 0; b < blocks; b++)
        {
            Compress(state, tail.Slice(b * 64, 64));
        }

        return ToBytes(state);
    }

    private static uint[] InitialState() => [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476];

    private static void Compress(uint[] state, ReadOnlySpan<byte> block)
    {
        Span<uint> m = stackalloc uint[16];
        for (var i = 0; i < 16; i++)
        {
            m[i] = BinaryPrimitives.ReadUInt32LittleEndian(block.Slice(i * 4, 4));
        }

        uint a = state[0], b = state[1], c = state[2], d = state[3];
        for (var i = 0; i < 64; i++)
        {
            uint f;
            int g;
            switch (i >> 4)
            {
                case 0: f = (b & c) | (~b & d); g = i; break;
                case 1: f = (d & b) | (~d & c); g = ((5 * i) + 1) & 15; break;
                case 2: f = b ^ c ^ d; g = ((3 * i) + 5) & 15; break;
                default: f = c ^ (b | ~d); g = (7 * i) & 15; break;
            }

            var temp = d;
            d = c;
            c = b;
            b += uint.RotateLeft(a + f + K[i] + m[g], S[i]);
            a = temp;
        }

        state[0] += a;
        state[1] += b;
        state[2] += c;
        state[3] += d;
    }

    private static byte[] ToBytes(uint[] state)
    {
        var bytes = new byte[16];
        for (var i = 0; i < 4; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(i * 4), state[i]);
        }

        return bytes;
    }

    private static uint[] FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != 16)
        {
            throw new ArgumentException("An MD5 state is 16 octets.", nameof(bytes));
        }

        var state = new uint[4];
        for (var i = 0; i < 4; i++)
        {
            state[i] = BinaryPrimitives.ReadUInt32LittleEndian(bytes.Slice(i * 4, 4));
        }

        return state;
    }
}
