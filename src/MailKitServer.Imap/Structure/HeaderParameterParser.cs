using System.Buffers;
using System.Globalization;
using System.Text;

namespace MailKitServer.Imap.Structure;

/// <summary>Parses Content-Type and Content-Disposition values with their parameters (RFC 2045 §5.1, RFC 2231 continuations and charsets).</summary>
internal static class HeaderParameterParser
{
    /// <summary>RFC 2045 §5.1 tspecials: they end a token.</summary>
    private static readonly SearchValues<char> TokenSpecials = SearchValues.Create("()<>@,;:\\\"/[]?=");

    /// <summary>Parses a Content-Type value.</summary>
    /// <param name="value">The value, such as <c>text/plain; charset="utf-8"</c>.</param>
    /// <returns>The content type, or <see langword="null"/> when the type/subtype is invalid.</returns>
    public static PartContentType? ParseContentType(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var i = 0;
        SkipCfws(value, ref i);
        var type = ReadToken(value, ref i);
        SkipCfws(value, ref i);
        if (type.Length == 0 || i >= value.Length || value[i] != '/')
        {
            return null;
        }

        i++;
        SkipCfws(value, ref i);
        var subtype = ReadToken(value, ref i);
        if (subtype.Length == 0)
        {
            return null;
        }

        var parameters = ParseParameters(value, i, out var raw);
        return new PartContentType(type.ToLowerInvariant(), subtype.ToLowerInvariant(), parameters) { RawMediaType = type, RawSubType = subtype, RawParameters = raw };
    }

    /// <summary>Parses a Content-Disposition value.</summary>
    /// <param name="value">The value, such as <c>attachment; filename="a.pdf"</c>.</param>
    /// <returns>The disposition, or <see langword="null"/> when invalid.</returns>
    public static PartDisposition? ParseContentDisposition(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var i = 0;
        SkipCfws(value, ref i);
        var disposition = ReadToken(value, ref i);
        if (disposition.Length == 0)
        {
            return null;
        }

        var parameters = ParseParameters(value, i, out var raw);
        return new PartDisposition(disposition.ToLowerInvariant(), parameters) { RawDisposition = disposition, RawParameters = raw };
    }

    /// <summary>Parses <c>; name=value</c> parameters from a position, joining RFC 2231 continuations and decoding their charsets.</summary>
    /// <param name="value">The header value.</param>
    /// <param name="start">Where the parameters start.</param>
    /// <param name="raw">The same parameters as written: names in their case, sections joined, values not decoded.</param>
    /// <returns>The parameters in the order of first appearance.</returns>
    public static IReadOnlyList<PartParameter> ParseParameters(string value, int start, out IReadOnlyList<PartParameter> raw)
    {
        ArgumentNullException.ThrowIfNull(value);
        var found = ReadSections(value, start);
        if (AsWritten(found) is { } plain)
        {
            raw = plain.Raw;
            return plain.Decoded;
        }

        var result = new List<PartParameter>();
        var rawList = new List<PartParameter>();
        raw = rawList;
        foreach (var group in found.GroupBy(r => r.Name))
        {
            var ordered = group.OrderBy(p => p.Section ?? -1).ToList();
            if (IsBroken(ordered))
            {
                // RFC 2231 §3: sections run 0, 1, 2, ... without gaps; a broken set is shown as written, as Dovecot does.
                rawList.AddRange(group.Select(p => new PartParameter(p.Written + (p.Section is { } n ? "*" + n.ToString(CultureInfo.InvariantCulture) : string.Empty) + (p.Extended ? "*" : string.Empty), p.Value)));
            }
            else
            {
                rawList.Add(new PartParameter(ordered[0].Written + (ordered.Exists(p => p.Extended) ? "*" : string.Empty), string.Concat(ordered.Select(p => p.Value))));
            }

            var parts = group.Where(p => p.Section is not null).OrderBy(p => p.Section).ToList();
            if (parts.Count == 0)
            {
                var single = group.First();
                result.Add(new PartParameter(group.Key, single.Extended ? DecodeExtended(single.Value, null, out _) : EncodedWords.Decode(single.Value)));
                continue;
            }

            // RFC 2231 §4.1: the charset is given in the first section; later extended sections are percent-encoded in it.
            Encoding? charset = null;
            var bytes = new List<byte>();
            foreach (var p in parts)
            {
                if (p.Extended)
                {
                    var decoded = DecodeExtendedBytes(p.Value, p.Section == 0, ref charset);
                    bytes.AddRange(decoded);
                }
                else
                {
                    bytes.AddRange(Encoding.UTF8.GetBytes(p.Value));
                }
            }

            result.Add(new PartParameter(group.Key, (charset ?? Encoding.UTF8).GetString(bytes.ToArray())));
        }

        return result;
    }

    /// <summary>
    /// The parameters when none has RFC 2231 sections or an extended value and no name comes twice (nearly every
    /// message): each stands as written, encoded words decoded; a parameter whose name is written in lower case and
    /// whose value has no encoded word is one object in both lists, and when all are, both lists are one. What the
    /// general path below gives for them, without its grouping and sorting (issue 24: SEARCH TEXT parses the
    /// Content-Type of every message of a mailbox). Null otherwise.
    /// </summary>
    private static (IReadOnlyList<PartParameter> Decoded, IReadOnlyList<PartParameter> Raw)? AsWritten(List<(string Name, int? Section, bool Extended, string Value, string Written)> found)
    {
        for (var i = 0; i < found.Count; i++)
        {
            if (found[i].Section is not null || found[i].Extended)
            {
                return null;
            }

            for (var j = 0; j < i; j++)
            {
                if (found[j].Name == found[i].Name)
                {
                    return null;
                }
            }
        }

        var decoded = new PartParameter[found.Count];
        PartParameter[]? raw = null;
        for (var i = 0; i < found.Count; i++)
        {
            var (name, _, _, value, written) = found[i];
            var text = EncodedWords.Decode(value);
            var same = name == written && text == value;
            decoded[i] = new PartParameter(name, text);
            if (!same && raw is null)
            {
                raw = new PartParameter[found.Count];
                Array.Copy(decoded, raw, i);
            }

            if (raw is not null)
            {
                raw[i] = same ? decoded[i] : new PartParameter(written, value);
            }
        }

        return (decoded, raw ?? decoded);
    }

    /// <summary>
    /// Reads each <c>name[*section][*]=value</c> as written (garbage up to the next ';' skipped): its name lower-cased
    /// and as written, its RFC 2231 section number and whether it is extended (charset'language'value).
    /// </summary>
    private static List<(string Name, int? Section, bool Extended, string Value, string Written)> ReadSections(string value, int start)
    {
        var found = new List<(string Name, int? Section, bool Extended, string Value, string Written)>();
        var i = start;
        while (i < value.Length)
        {
            SkipCfws(value, ref i);
            if (i < value.Length && value[i] == ';')
            {
                i++;
                continue;
            }

            var name = ReadToken(value, ref i, allowStar: true);
            SkipCfws(value, ref i);
            if (name.Length == 0 || i >= value.Length || value[i] != '=')
            {
                // Skip garbage up to the next ';'.
                while (i < value.Length && value[i] != ';')
                {
                    i++;
                }

                continue;
            }

            i++;
            SkipCfws(value, ref i);
            var v = i < value.Length && value[i] == '"' ? ReadQuoted(value, ref i) : ReadToken(value, ref i, allowStar: true, lenient: true);
            var extended = name.EndsWith('*');
            var bare = extended ? name[..^1] : name;
            int? section = null;
            var star = bare.IndexOf('*', StringComparison.Ordinal);
            if (star > 0 && int.TryParse(bare.AsSpan(star + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            {
                section = n;
                bare = bare[..star];
            }

            found.Add((bare.ToLowerInvariant(), section, extended, v, bare));
        }

        return found;
    }

    /// <summary>Whether a parameter's sections (sorted) are not exactly 0..n-1, or a section stands beside an unsectioned value.</summary>
    private static bool IsBroken(List<(string Name, int? Section, bool Extended, string Value, string Written)> ordered)
    {
        if (ordered.Count < 2 && ordered[0].Section is null or 0)
        {
            return false;
        }

        for (var i = 0; i < ordered.Count; i++)
        {
            if (ordered[i].Section != i)
            {
                return true;
            }
        }

        return false;
    }

    private static string DecodeExtended(string value, Encoding? fallback, out Encoding? charset)
    {
        charset = fallback;
        var bytes = DecodeExtendedBytes(value, first: true, ref charset);
        return (charset ?? Encoding.UTF8).GetString(bytes);
    }

    private static byte[] DecodeExtendedBytes(string value, bool first, ref Encoding? charset)
    {
        if (first)
        {
            // charset'language'percent-encoded
            var q1 = value.IndexOf('\'', StringComparison.Ordinal);
            var q2 = q1 < 0 ? -1 : value.IndexOf('\'', q1 + 1);
            if (q1 >= 0 && q2 > q1)
            {
                charset = EncodedWords.GetEncoding(value[..q1]) ?? charset;
                value = value[(q2 + 1)..];
            }
        }

        var bytes = new List<byte>(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '%' && i + 2 < value.Length && byte.TryParse(value.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var b))
            {
                bytes.Add(b);
                i += 2;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(value[i].ToString()));
            }
        }

        return [.. bytes];
    }

    private static void SkipCfws(string s, ref int i)
    {
        while (i < s.Length)
        {
            if (char.IsWhiteSpace(s[i]))
            {
                i++;
            }
            else if (s[i] == '(')
            {
                Comments.Skip(s, ref i);
            }
            else
            {
                return;
            }
        }
    }

    private static string ReadToken(string s, ref int i, bool allowStar = false, bool lenient = false)
    {
        // RFC 2045 token: any CHAR except SPACE, CTLs and tspecials. Values are read leniently (until ';' or space).
        var start = i;
        while (i < s.Length)
        {
            var c = s[i];
            if (c <= ' ' || c == 127 || (lenient ? c == ';' : (TokenSpecials.Contains(c) || (!allowStar && c == '*'))))
            {
                break;
            }

            i++;
        }

        return s[start..i];
    }

    private static string ReadQuoted(string s, ref int i)
    {
        // Most quoted values have no quoted-pair: then the value is the text between the quotes.
        var close = s.AsSpan(i + 1).IndexOfAny('"', '\\');
        if (close >= 0 && s[i + 1 + close] == '"')
        {
            var text = s.Substring(i + 1, close);
            i += close + 2;
            return text;
        }

        var sb = new StringBuilder();
        i++;
        for (; i < s.Length; i++)
        {
            if (s[i] == '\\' && i + 1 < s.Length)
            {
                sb.Append(s[++i]);
            }
            else if (s[i] == '"')
            {
                i++;
                break;
            }
            else
            {
                sb.Append(s[i]);
            }
        }

        return sb.ToString();
    }
}
