using MailKitServer.Imap.Parsing;
using MailKitServer.Imap.Responses;

namespace MailKitServer.Imap.Search;

/// <summary>
/// Parses SEARCH keys (RFC 9051 §6.4.4, RFC 7162 §3.1.5) into a <see cref="SearchKey"/> tree. Recursion (lists,
/// NOT, OR) is bounded by <see cref="MaxDepth"/>: a deeper program is refused (issue 15: 100,000 nested NOTs or ORs
/// must not overflow the stack). Numbers are checked against their RFC ranges.
/// </summary>
internal static class SearchParser
{
    /// <summary>The deepest nesting of lists, NOT and OR accepted.</summary>
    public const int MaxDepth = 100;

    /// <summary>Parses a whole SEARCH program: one or more keys, all of which must match.</summary>
    /// <param name="tokens">The keys' tokens (after RETURN and CHARSET).</param>
    /// <param name="key">The program.</param>
    /// <param name="error">Why it is invalid.</param>
    /// <returns>Whether it is valid.</returns>
    public static bool TryParse(IReadOnlyList<ImapToken> tokens, out SearchKey key, out string? error) => TryParseAll(tokens, 0, out key, out error);

    private static bool TryParseAll(IReadOnlyList<ImapToken> tokens, int depth, out SearchKey key, out string? error)
    {
        key = new SearchKey();
        error = null;
        if (tokens.Count == 0)
        {
            error = "Missing search key";
            return false;
        }

        var keys = new List<SearchKey>();
        var i = 0;
        while (i < tokens.Count)
        {
            if (!TryParseOne(tokens, ref i, depth, out var k, out error))
            {
                return false;
            }

            keys.Add(k);
        }

        key = keys.Count == 1 ? keys[0] : new SearchKey { Kind = SearchKeyKind.And, Children = keys };
        return true;
    }

    private static bool TryParseOne(IReadOnlyList<ImapToken> t, ref int i, int depth, out SearchKey key, out string? error)
    {
        key = new SearchKey();
        error = null;
        if (depth >= MaxDepth)
        {
            error = "Search program too deeply nested";
            return false;
        }

        var token = t[i++];
        if (token.Kind == ImapTokenKind.List)
        {
            return TryParseAll(token.Items, depth + 1, out key, out error);
        }

        var word = token.Kind == ImapTokenKind.Atom ? token.Text.ToUpperInvariant() : string.Empty;
        if (Simple(word) is { } simple)
        {
            key = new SearchKey { Kind = simple };
            return true;
        }

        switch (word)
        {
            case "MODSEQ":
                return TryParseModSeq(t, ref i, out key, out error);
            case "NOT":
                if (i >= t.Count || !TryParseOne(t, ref i, depth + 1, out var inner, out error))
                {
                    error ??= "NOT needs a key";
                    return false;
                }

                key = new SearchKey { Kind = SearchKeyKind.Not, Children = [inner] };
                return true;
            case "OR":
                if (i >= t.Count || !TryParseOne(t, ref i, depth + 1, out var a, out error) || i >= t.Count || !TryParseOne(t, ref i, depth + 1, out var b, out error))
                {
                    error ??= "OR needs two keys";
                    return false;
                }

                key = new SearchKey { Kind = SearchKeyKind.Or, Children = [a, b] };
                return true;
            default:
                if (TryParseKeyWithArguments(word, t, ref i, out key, out error) is { } parsed)
                {
                    return parsed;
                }

                if (token.Kind == ImapTokenKind.Atom && SequenceSet.TryParse(token.Text, out var sequence))
                {
                    key = new SearchKey { Kind = SearchKeyKind.Sequence, Set = sequence };
                    return true;
                }

                error = "Unknown search key " + (token.Text.Length > 40 ? token.Text[..40] + "..." : token.Text);
                return false;
        }
    }

    /// <summary>A key that takes string, number, date or set arguments; <see langword="null"/> when <paramref name="word"/> is none of them.</summary>
    private static bool? TryParseKeyWithArguments(string word, IReadOnlyList<ImapToken> t, ref int i, out SearchKey key, out string? error)
    {
        key = new SearchKey();
        error = null;
        switch (word)
        {
            case "KEYWORD" or "UNKEYWORD":
                if (!Argument(t, ref i, out var flag) || !ImapFormat.TryParseFlag(flag, out _, out var keyword) || keyword is null)
                {
                    error = $"{word} needs a keyword";
                    return false;
                }

                key = new SearchKey { Kind = word == "KEYWORD" ? SearchKeyKind.Keyword : SearchKeyKind.Unkeyword, Text = keyword };
                return true;
            case "BODY" or "TEXT" or "FROM" or "TO" or "CC" or "BCC" or "SUBJECT":
                if (!Argument(t, ref i, out var text))
                {
                    error = $"{word} needs a string";
                    return false;
                }

                key = new SearchKey { Kind = Enum.Parse<SearchKeyKind>(word, ignoreCase: true), Text = text };
                return true;
            case "HEADER":
                if (!Argument(t, ref i, out var field) || !Argument(t, ref i, out var value))
                {
                    error = "HEADER needs a field name and a string";
                    return false;
                }

                key = new SearchKey { Kind = SearchKeyKind.Header, Field = field, Text = value };
                return true;
            case "LARGER" or "SMALLER":
                if (!Argument(t, ref i, out var size) || !ImapNumber.TryParseNumber64(size, out var n))
                {
                    error = $"{word} needs a number";
                    return false;
                }

                key = new SearchKey { Kind = word == "LARGER" ? SearchKeyKind.Larger : SearchKeyKind.Smaller, Number = n };
                return true;
            case "EMAILID" or "THREADID":
                // objectid = 1*255(ALPHA / DIGIT / "_" / "-") (RFC 8474 §7)
                if (!Argument(t, ref i, out var objectId) || objectId.Length is 0 or > 255 || !objectId.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
                {
                    error = $"{word} needs an object id";
                    return false;
                }

                key = new SearchKey { Kind = word == "EMAILID" ? SearchKeyKind.EmailId : SearchKeyKind.ThreadId, Text = objectId };
                return true;
            case "OLDER" or "YOUNGER":
                // RFC 5032 §4: "OLDER" SP nz-number / "YOUNGER" SP nz-number (seconds).
                if (!Argument(t, ref i, out var interval) || !ImapNumber.TryParseNzNumber(interval, out var seconds))
                {
                    error = $"{word} needs a number of seconds";
                    return false;
                }

                key = new SearchKey { Kind = word == "OLDER" ? SearchKeyKind.Older : SearchKeyKind.Younger, Number = seconds };
                return true;
            case "BEFORE" or "ON" or "SINCE" or "SENTBEFORE" or "SENTON" or "SENTSINCE" or "SAVEDBEFORE" or "SAVEDON" or "SAVEDSINCE":
                return TryParseDateKey(word, t, ref i, out key, out error);
            case "UID":
                if (!Argument(t, ref i, out var uids) || !SequenceSet.TryParse(uids, out var set))
                {
                    error = "UID needs a sequence set";
                    return false;
                }

                key = new SearchKey { Kind = SearchKeyKind.Uid, Set = set };
                return true;
            default:
                return null;
        }
    }

    /// <summary>A key on a date (internal, sent or, RFC 8514, saved): the key's name, then a date.</summary>
    private static bool TryParseDateKey(string word, IReadOnlyList<ImapToken> t, ref int i, out SearchKey key, out string? error)
    {
        key = new SearchKey();
        error = null;
        if (!Argument(t, ref i, out var dateText) || !ImapFormat.TryParseDate(dateText, out var date))
        {
            error = $"{word} needs a date (d-Mon-yyyy)";
            return false;
        }

        key = new SearchKey { Kind = Enum.Parse<SearchKeyKind>(word, ignoreCase: true), Date = date.Date };
        return true;
    }

    /// <summary>MODSEQ [entry-name entry-type-req] mod-sequence-valzer (RFC 7162 §3.1.5).</summary>
    private static bool TryParseModSeq(IReadOnlyList<ImapToken> t, ref int i, out SearchKey key, out string? error)
    {
        key = new SearchKey();
        error = "MODSEQ needs a mod-sequence";
        if (i + 2 < t.Count && t[i].Kind == ImapTokenKind.String && t[i + 1].Kind == ImapTokenKind.Atom
            && t[i + 1].Text.ToUpperInvariant() is "PRIV" or "SHARED" or "ALL")
        {
            // One MODSEQ per message here: the entry name and type are ignored, as RFC 7162 allows.
            i += 2;
        }

        if (i >= t.Count || t[i].Kind != ImapTokenKind.Atom || !ImapNumber.TryParseNumber64(t[i].Text, out var value))
        {
            return false;
        }

        i++;
        key = new SearchKey { Kind = SearchKeyKind.ModSeq, ModSeq = (ulong)value };
        error = null;
        return true;
    }

    private static SearchKeyKind? Simple(string word) => word switch
    {
        "ALL" => SearchKeyKind.All,
        "ANSWERED" => SearchKeyKind.Answered,
        "DELETED" => SearchKeyKind.Deleted,
        "DRAFT" => SearchKeyKind.Draft,
        "FLAGGED" => SearchKeyKind.Flagged,
        "SEEN" => SearchKeyKind.Seen,
        "UNANSWERED" => SearchKeyKind.Unanswered,
        "UNDELETED" => SearchKeyKind.Undeleted,
        "UNDRAFT" => SearchKeyKind.Undraft,
        "UNFLAGGED" => SearchKeyKind.Unflagged,
        "UNSEEN" => SearchKeyKind.Unseen,
        "RECENT" => SearchKeyKind.Recent,
        "NEW" => SearchKeyKind.New,
        "OLD" => SearchKeyKind.Old,
        "SAVEDATESUPPORTED" => SearchKeyKind.SaveDateSupported,
        _ => null,
    };

    /// <summary>The next argument: an atom or a string (astring), not a list.</summary>
    private static bool Argument(IReadOnlyList<ImapToken> t, ref int i, out string text)
    {
        text = string.Empty;
        if (i >= t.Count || t[i].Kind == ImapTokenKind.List)
        {
            return false;
        }

        text = t[i++].Text;
        return true;
    }
}
