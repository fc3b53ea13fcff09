using System.Globalization;
using MailKitServer.Imap.Parsing;
using MailKitServer.Imap.Responses;

namespace MailKitServer.Imap.Search;

/// <summary>Parses SEARCH keys (RFC 3501 §6.4.4) into a <see cref="SearchKey"/> tree.</summary>
internal static class SearchParser
{
    public static bool TryParse(IReadOnlyList<ImapToken> tokens, out SearchKey key, out string? error)
    {
        var keys = new List<SearchKey>();
        var i = 0;
        error = null;
        while (i < tokens.Count)
        {
            if (!TryParseOne(tokens, ref i, out var k, out error))
            {
                key = new SearchKey();
                return false;
            }

            keys.Add(k);
        }

        key = keys.Count == 1 ? keys[0] : new SearchKey { Kind = "AND", Children = keys };
        if (keys.Count == 0)
        {
            error = "Missing search key";
            return false;
        }

        return true;
    }

    private static bool TryParseOne(IReadOnlyList<ImapToken> t, ref int i, out SearchKey key, out string? error)
    {
        key = new SearchKey();
        error = null;
        var token = t[i++];
        if (token.Kind == ImapTokenKind.List)
        {
            return TryParse(token.Items, out key, out error);
        }

        var word = token.Text.ToUpperInvariant();
        var position = i;
        string? Arg()
        {
            return position < t.Count && t[position].Kind != ImapTokenKind.List ? t[position++].Text : null;
        }

        switch (word)
        {
            case "ALL" or "ANSWERED" or "DELETED" or "DRAFT" or "FLAGGED" or "SEEN" or "UNANSWERED" or "UNDELETED" or "UNDRAFT" or "UNFLAGGED" or "UNSEEN" or "RECENT" or "NEW" or "OLD":
                key = new SearchKey { Kind = word };
                return true;
            case "KEYWORD" or "UNKEYWORD" or "BODY" or "TEXT" or "FROM" or "TO" or "CC" or "BCC" or "SUBJECT":
                var text = Arg();
                i = position;
                key = new SearchKey { Kind = word, Text = text };
                error = text is null ? $"{word} needs an argument" : null;
                return error is null;
            case "HEADER":
                var field = Arg();
                var value = Arg();
                i = position;
                key = new SearchKey { Kind = word, Field = field, Text = value };
                error = field is null || value is null ? "HEADER needs a field and a value" : null;
                return error is null;
            case "LARGER" or "SMALLER":
                var number = Arg();
                i = position;
                if (!long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
                {
                    error = $"{word} needs a number";
                    return false;
                }

                key = new SearchKey { Kind = word, Number = n };
                return true;
            case "BEFORE" or "ON" or "SINCE" or "SENTBEFORE" or "SENTON" or "SENTSINCE":
                var dateText = Arg();
                i = position;
                if (!ImapFormat.TryParseDate(dateText ?? string.Empty, out var date))
                {
                    error = $"{word} needs a date (d-Mon-yyyy)";
                    return false;
                }

                key = new SearchKey { Kind = word, Date = date };
                return true;
            case "UID":
                var setText = Arg();
                i = position;
                if (!SequenceSet.TryParse(setText ?? string.Empty, out var uids))
                {
                    error = "UID needs a sequence set";
                    return false;
                }

                key = new SearchKey { Kind = "UID", Set = uids };
                return true;
            case "NOT":
                if (i >= t.Count || !TryParseOne(t, ref i, out var inner, out error))
                {
                    error ??= "NOT needs a key";
                    return false;
                }

                key = new SearchKey { Kind = "NOT", Children = [inner] };
                return true;
            case "OR":
                if (i >= t.Count || !TryParseOne(t, ref i, out var a, out error) || i >= t.Count || !TryParseOne(t, ref i, out var b, out error))
                {
                    error ??= "OR needs two keys";
                    return false;
                }

                key = new SearchKey { Kind = "OR", Children = [a, b] };
                return true;
            default:
                if (SequenceSet.TryParse(token.Text, out var set))
                {
                    key = new SearchKey { Kind = "SEQ", Set = set };
                    return true;
                }

                error = $"Unknown search key {token.Text}";
                return false;
        }
    }
}
