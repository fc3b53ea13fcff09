using MailKitServer.Imap.Parsing;

namespace MailKitServer.Imap.Sorting;

/// <summary>Parses a SORT command's sort-criteria list (RFC 5256 §5; DISPLAYFROM/DISPLAYTO per RFC 5957 §5).</summary>
internal static class SortCriteriaParser
{
    /// <summary>More criteria than there are keys (each twice, with and without REVERSE) cannot be meaningful.</summary>
    public const int MaxCriteria = 32;

    /// <summary>Parses <c>(REVERSE DATE SUBJECT)</c>.</summary>
    /// <param name="list">The parenthesised list token.</param>
    /// <param name="criteria">The criteria in priority order.</param>
    /// <param name="error">Why the list is invalid (for a BAD).</param>
    /// <returns><see langword="true"/> when valid.</returns>
    public static bool TryParse(ImapToken list, out SortCriterion[] criteria, out string? error)
    {
        criteria = [];
        error = null;
        if (list.Kind != ImapTokenKind.List)
        {
            error = "Sort criteria must be a parenthesised list";
            return false;
        }

        // RFC 5256 §5: sort-criteria = "(" sort-criterion *(SP sort-criterion) ")": at least one.
        if (list.Items.Count == 0)
        {
            error = "Empty sort criteria";
            return false;
        }

        if (list.Items.Count > MaxCriteria)
        {
            error = "Too many sort criteria";
            return false;
        }

        var result = new List<SortCriterion>(list.Items.Count);
        var reverse = false;
        foreach (var item in list.Items)
        {
            if (item.Kind != ImapTokenKind.Atom)
            {
                error = "Invalid sort criterion";
                return false;
            }

            var word = item.Text;
            if (word.Equals("REVERSE", StringComparison.OrdinalIgnoreCase))
            {
                // sort-criterion = ["REVERSE" SP] sort-key: one REVERSE, then a key.
                if (reverse)
                {
                    error = "REVERSE must be followed by a sort key";
                    return false;
                }

                reverse = true;
                continue;
            }

            if (!TryField(word, out var field))
            {
                error = "Unknown sort criterion " + word;
                return false;
            }

            result.Add(new SortCriterion(field, reverse));
            reverse = false;
        }

        if (reverse)
        {
            error = "REVERSE must be followed by a sort key";
            return false;
        }

        criteria = [.. result];
        return true;
    }

    private static bool TryField(string word, out SortField field)
    {
        field = word.ToUpperInvariant() switch
        {
            "ARRIVAL" => SortField.Arrival,
            "CC" => SortField.Cc,
            "DATE" => SortField.Date,
            "FROM" => SortField.From,
            "SIZE" => SortField.Size,
            "SUBJECT" => SortField.Subject,
            "TO" => SortField.To,
            "DISPLAYFROM" => SortField.DisplayFrom,
            "DISPLAYTO" => SortField.DisplayTo,
            _ => (SortField)(-1),
        };
        return field >= 0;
    }
}
