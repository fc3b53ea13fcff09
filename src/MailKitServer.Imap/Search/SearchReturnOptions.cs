using MailKitServer.Imap.Parsing;

namespace MailKitServer.Imap.Search;

/// <summary>The parsed <c>RETURN (...)</c> of an extended SEARCH or SORT (RFC 4466 §2.6, RFC 4731, RFC 5267).</summary>
/// <param name="Options">The options given; <c>RETURN ()</c> means ALL (RFC 4731 §3.1).</param>
/// <param name="Partial">The PARTIAL range, when given.</param>
internal sealed record SearchReturnOptions(SearchReturnOption Options, PartialRange? Partial)
{
    /// <summary>Whether an option was given.</summary>
    /// <returns><see langword="true"/> when present.</returns>
    public bool Has(SearchReturnOption option) => (Options & option) != 0;

    /// <summary>
    /// Whether an ESEARCH response is sent: always, except for SAVE alone (RFC 5182 §2.4). UPDATE alone still gets
    /// one, empty but for the correlator, as Dovecot sends it: the client learns the context exists.
    /// </summary>
    public bool SendsResponse => (Options & ~SearchReturnOption.Context) != SearchReturnOption.Save;

    /// <summary>Parses the list after RETURN.</summary>
    /// <param name="list">The parenthesised list token.</param>
    /// <param name="options">The options; undefined when invalid.</param>
    /// <param name="error">Why they are invalid (for a BAD).</param>
    /// <returns><see langword="true"/> when valid.</returns>
    public static bool TryParse(ImapToken list, out SearchReturnOptions options, out string? error)
    {
        options = new SearchReturnOptions(SearchReturnOption.None, null);
        error = null;
        if (list.Kind != ImapTokenKind.List)
        {
            error = "RETURN needs a parenthesised list";
            return false;
        }

        var found = SearchReturnOption.None;
        PartialRange? partial = null;
        var items = list.Items;
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i].Kind != ImapTokenKind.Atom)
            {
                error = "Invalid RETURN option";
                return false;
            }

            var option = items[i].Text.ToUpperInvariant() switch
            {
                "MIN" => SearchReturnOption.Min,
                "MAX" => SearchReturnOption.Max,
                "ALL" => SearchReturnOption.All,
                "COUNT" => SearchReturnOption.Count,
                "SAVE" => SearchReturnOption.Save,
                "CONTEXT" => SearchReturnOption.Context,
                "UPDATE" => SearchReturnOption.Update,
                "PARTIAL" => SearchReturnOption.Partial,
                _ => SearchReturnOption.None,
            };
            if (option == SearchReturnOption.None)
            {
                error = "Unsupported RETURN option " + items[i].Text;
                return false;
            }

            if (option == SearchReturnOption.Partial)
            {
                // RFC 5267 §5: modifier-partial = "PARTIAL" SP partial-range.
                if ((found & SearchReturnOption.Partial) != 0 || i + 1 >= items.Count || items[i + 1].Kind != ImapTokenKind.Atom || !PartialRange.TryParse(items[i + 1].Text, out var range))
                {
                    error = "PARTIAL needs one range such as 1:100";
                    return false;
                }

                partial = range;
                i++;
            }

            found |= option;
        }

        // RFC 5267 §4.4: one PARTIAL or one ALL, not both.
        if ((found & (SearchReturnOption.All | SearchReturnOption.Partial)) == (SearchReturnOption.All | SearchReturnOption.Partial))
        {
            error = "PARTIAL and ALL cannot be combined";
            return false;
        }

        // RFC 4731 §3.1: an empty list means ALL.
        options = new SearchReturnOptions(found == SearchReturnOption.None ? SearchReturnOption.All : found, partial);
        return true;
    }
}
