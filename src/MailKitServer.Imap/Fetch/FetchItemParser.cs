using System.Text;
using MailKitServer.Imap.Parsing;

namespace MailKitServer.Imap.Fetch;

/// <summary>
/// Parses one FETCH item (RFC 9051 §6.4.5 fetch-att, RFC 3516, RFC 7162) into a <see cref="FetchItem"/>. Part
/// numbers are nz-numbers and partial ranges number64.nz-number64, checked for overflow: anything else is refused
/// before the command writes a single response. The work is iterative and bounded by the item's length.
/// </summary>
internal static class FetchItemParser
{
    /// <summary>Parses an item as the client sent it (one atom, brackets and partial included).</summary>
    /// <param name="text">The atom.</param>
    /// <param name="item">The item; undefined when invalid.</param>
    /// <param name="error">Why the item is invalid.</param>
    /// <returns>Whether the item is valid.</returns>
    public static bool TryParse(string text, out FetchItem item, out string? error)
    {
        item = null!;
        error = null;
        var simple = text.ToUpperInvariant() switch
        {
            "UID" => FetchItemKind.Uid,
            "FLAGS" => FetchItemKind.Flags,
            "INTERNALDATE" => FetchItemKind.InternalDate,
            "RFC822.SIZE" => FetchItemKind.Rfc822Size,
            "ENVELOPE" => FetchItemKind.Envelope,
            "BODY" => FetchItemKind.Body,
            "BODYSTRUCTURE" => FetchItemKind.BodyStructure,
            "RFC822" => FetchItemKind.Rfc822,
            "RFC822.HEADER" => FetchItemKind.Rfc822Header,
            "RFC822.TEXT" => FetchItemKind.Rfc822Text,
            "MODSEQ" => FetchItemKind.ModSeq,
            "EMAILID" => FetchItemKind.EmailId,
            "THREADID" => FetchItemKind.ThreadId,
            "SAVEDATE" => FetchItemKind.SaveDate,
            "PREVIEW" => FetchItemKind.Preview,
            _ => (FetchItemKind?)null,
        };
        if (simple is { } kind)
        {
            item = new FetchItem(kind);
            return true;
        }

        var open = text.IndexOf('[', StringComparison.Ordinal);
        var close = text.LastIndexOf(']');
        if (open < 0 || close < open)
        {
            error = $"Unknown FETCH item {Shorten(text)}";
            return false;
        }

        var (itemKind, peek, responsePrefix) = text[..open].ToUpperInvariant() switch
        {
            "BODY" => (FetchItemKind.BodySection, false, "BODY"),
            "BODY.PEEK" => (FetchItemKind.BodySection, true, "BODY"),
            "BINARY" => (FetchItemKind.Binary, false, "BINARY"),
            "BINARY.PEEK" => (FetchItemKind.Binary, true, "BINARY"),
            "BINARY.SIZE" => (FetchItemKind.BinarySize, true, "BINARY.SIZE"),
            _ => ((FetchItemKind?)null, false, string.Empty),
        };
        if (itemKind is not { } sectionKind)
        {
            error = $"Unknown FETCH item {Shorten(text)}";
            return false;
        }

        var inner = text.AsSpan(open + 1, close - open - 1);
        var name = new StringBuilder(responsePrefix).Append('[');
        if (!TryParseSection(inner, binary: sectionKind != FetchItemKind.BodySection, name, out var part, out var spec, out var fields, out error))
        {
            return false;
        }

        name.Append(']');
        FetchPartial? partial = null;
        var rest = text.AsSpan(close + 1);
        if (!rest.IsEmpty)
        {
            // partial = "<" number64 "." nz-number64 ">" (RFC 9051 §9); BINARY.SIZE takes none.
            var dot = rest.IndexOf('.');
            if (sectionKind == FetchItemKind.BinarySize || rest[0] != '<' || rest[^1] != '>' || dot < 0
                || !ImapNumber.TryParseNumber64(rest[1..dot], out var origin) || !ImapNumber.TryParseNzNumber64(rest[(dot + 1)..^1], out var count))
            {
                error = "Invalid partial range (origin.count, 0 <= origin, 1 <= count < 2^63)";
                return false;
            }

            partial = new FetchPartial(origin, count);
            name.Append('<').Append(origin).Append('>');
        }

        item = new FetchItem(sectionKind, new BodySection(peek, part, spec, fields, partial, name.ToString()));
        return true;
    }

    private static bool TryParseSection(ReadOnlySpan<char> s, bool binary, StringBuilder name, out List<uint> part, out SectionSpec spec, out List<string> fields, out string? error)
    {
        part = [];
        spec = SectionSpec.Whole;
        fields = [];
        error = null;
        var i = 0;
        if (!TryReadPartNumbers(s, ref i, part, out error))
        {
            return false;
        }

        name.Append(string.Join('.', part));
        var text = s[i..];
        if (text.IsEmpty)
        {
            return true;
        }

        if (binary)
        {
            // section-binary = "[" [section-part] "]" (RFC 3516 §4.1)
            error = "BINARY takes a part number only";
            return false;
        }

        if (part.Count > 0)
        {
            name.Append('.');
        }

        if (text.Equals("HEADER", StringComparison.OrdinalIgnoreCase))
        {
            spec = SectionSpec.Header;
        }
        else if (text.Equals("TEXT", StringComparison.OrdinalIgnoreCase))
        {
            spec = SectionSpec.Text;
        }
        else if (text.Equals("MIME", StringComparison.OrdinalIgnoreCase) && part.Count > 0)
        {
            // section-text = section-msgtext / "MIME": MIME only after a part number.
            spec = SectionSpec.Mime;
        }
        else if (text.StartsWith("HEADER.FIELDS.NOT ", StringComparison.OrdinalIgnoreCase))
        {
            spec = SectionSpec.HeaderFieldsNot;
            return TryParseHeaderList(text["HEADER.FIELDS.NOT ".Length..], fields, name.Append("HEADER.FIELDS.NOT ("), out error);
        }
        else if (text.StartsWith("HEADER.FIELDS ", StringComparison.OrdinalIgnoreCase))
        {
            spec = SectionSpec.HeaderFields;
            return TryParseHeaderList(text["HEADER.FIELDS ".Length..], fields, name.Append("HEADER.FIELDS ("), out error);
        }
        else
        {
            error = "Invalid section";
            return false;
        }

        name.Append(spec.ToString().ToUpperInvariant());
        return true;
    }

    /// <summary>section-part = nz-number *("." nz-number), from <paramref name="i"/> up to the section text.</summary>
    private static bool TryReadPartNumbers(ReadOnlySpan<char> s, ref int i, List<uint> part, out string? error)
    {
        error = null;
        // section-part = nz-number *("." nz-number)
        while (i < s.Length && char.IsAsciiDigit(s[i]))
        {
            var start = i;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                i++;
            }

            if (!ImapNumber.TryParseNzNumber(s[start..i], out var n))
            {
                error = "Invalid section part number (1..4294967295)";
                return false;
            }

            part.Add(n);
            if (i < s.Length && s[i] == '.')
            {
                i++;
                if (i == s.Length)
                {
                    error = "Invalid section";
                    return false;
                }
            }
            else if (i < s.Length)
            {
                error = "Invalid section";
                return false;
            }
        }

        return true;
    }

    /// <summary>header-list = "(" header-fld-name *(SP header-fld-name) ")", each an atom or a quoted string.</summary>
    private static bool TryParseHeaderList(ReadOnlySpan<char> s, List<string> fields, StringBuilder name, out string? error)
    {
        error = "Invalid header list";
        if (s.Length < 3 || s[0] != '(' || s[^1] != ')')
        {
            return false;
        }

        s = s[1..^1];
        var i = 0;
        while (true)
        {
            string field;
            if (i < s.Length && s[i] == '"')
            {
                var value = new StringBuilder();
                i++;
                while (i < s.Length && s[i] != '"')
                {
                    if (s[i] == '\\' && i + 1 < s.Length)
                    {
                        i++;
                    }

                    value.Append(s[i++]);
                }

                if (i >= s.Length)
                {
                    return false;
                }

                i++;
                field = value.ToString();
            }
            else
            {
                var start = i;
                while (i < s.Length && s[i] != ' ')
                {
                    if (s[i] is '(' or ')' or '"' or '{' or '\\' || char.IsControl(s[i]))
                    {
                        return false;
                    }

                    i++;
                }

                field = s[start..i].ToString();
            }

            if (field.Length == 0 || field.Any(c => c <= ' ' || c == ':' || c > '~'))
            {
                return false;
            }

            var upper = field.ToUpperInvariant();
            fields.Add(upper);
            name.Append(fields.Count > 1 ? " " : string.Empty).Append(upper);
            if (i == s.Length)
            {
                name.Append(')');
                error = null;
                return true;
            }

            if (s[i] != ' ' || i + 1 == s.Length)
            {
                return false;
            }

            i++;
        }
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "...";
}
