using System.Globalization;
using System.Text;
using MailKitServer.Imap.Responses;

namespace MailKitServer.Imap.Search;

/// <summary>
/// Writes the ESEARCH response of an extended SEARCH or SORT (RFC 4731 §3.1, RFC 5267 §3.1 and §4.4): MIN, MAX,
/// COUNT, ALL and PARTIAL over the results in the requested order.
/// </summary>
internal static class EsearchResponse
{
    /// <summary>Formats the response line.</summary>
    /// <param name="tag">The command's tag (the search correlator).</param>
    /// <param name="uid">Whether the numbers are UIDs.</param>
    /// <param name="options">The return options.</param>
    /// <param name="numbers">The results in the requested order: mailbox order for SEARCH, the sort order for SORT.</param>
    /// <param name="sorted">Whether the order is a sort order: MIN and MAX are then the first and last sorted results.</param>
    /// <param name="modSeqs">The results' MODSEQs in the same order, when the search had a MODSEQ key.</param>
    /// <returns>The line with CRLF.</returns>
    public static string Format(string tag, bool uid, SearchReturnOptions options, IReadOnlyList<uint> numbers, bool sorted, IReadOnlyList<ulong>? modSeqs = null)
    {
        var sb = new StringBuilder("* ESEARCH (TAG ").Append(ImapFormat.String(tag)).Append(')');
        if (uid)
        {
            sb.Append(" UID");
        }

        if (numbers.Count > 0 && options.Has(SearchReturnOption.Min))
        {
            // RFC 5267 §3.1: for SORT, "the lowest sorted message".
            sb.Append(" MIN ").Append((sorted ? numbers[0] : numbers.Min()).ToString(CultureInfo.InvariantCulture));
        }

        if (numbers.Count > 0 && options.Has(SearchReturnOption.Max))
        {
            sb.Append(" MAX ").Append((sorted ? numbers[^1] : numbers.Max()).ToString(CultureInfo.InvariantCulture));
        }

        if (numbers.Count > 0 && options.Has(SearchReturnOption.All))
        {
            // RFC 5267 §3.2: ranges only where the numbers ascend, so the order survives.
            sb.Append(" ALL ");
            ResultSetFormatter.Append(sb, numbers);
        }

        if (options.Partial is { } range)
        {
            // RFC 5267 §4.4, RFC 9394 §3.1: the requested range, then the results within it, or NIL.
            var (start, length) = range.Select(numbers.Count);
            sb.Append(" PARTIAL (").Append(range.ToString()).Append(' ');
            if (length == 0)
            {
                sb.Append("NIL");
            }
            else
            {
                ResultSetFormatter.Append(sb, numbers.Skip(start).Take(length).ToList());
            }

            sb.Append(')');
        }

        if (options.Has(SearchReturnOption.Count))
        {
            sb.Append(" COUNT ").Append(numbers.Count.ToString(CultureInfo.InvariantCulture));
        }

        if (modSeqs is not null && numbers.Count > 0 && ReturnedModSeq(options, numbers, sorted, modSeqs) is { } modSeq)
        {
            sb.Append(" MODSEQ ").Append(modSeq.ToString(CultureInfo.InvariantCulture));
        }

        return sb.Append("\r\n").ToString();
    }

    /// <summary>
    /// RFC 7162 §3.1.10: the highest MODSEQ of the messages the response returns: ALL and COUNT return all of them,
    /// PARTIAL those in its range, MIN and MAX one each.
    /// </summary>
    private static ulong? ReturnedModSeq(SearchReturnOptions options, IReadOnlyList<uint> numbers, bool sorted, IReadOnlyList<ulong> modSeqs)
    {
        if (options.Has(SearchReturnOption.All | SearchReturnOption.Count))
        {
            return modSeqs.Max();
        }

        var returned = new List<int>();
        if (options.Partial is { } range)
        {
            var (start, length) = range.Select(numbers.Count);
            returned.AddRange(Enumerable.Range(start, length));
        }

        if (options.Has(SearchReturnOption.Min))
        {
            returned.Add(sorted ? 0 : IndexOf(numbers, numbers.Min()));
        }

        if (options.Has(SearchReturnOption.Max))
        {
            returned.Add(sorted ? numbers.Count - 1 : IndexOf(numbers, numbers.Max()));
        }

        return returned.Count == 0 ? null : returned.Max(i => modSeqs[i]);
    }

    private static int IndexOf(IReadOnlyList<uint> numbers, uint number)
    {
        for (var i = 0; i < numbers.Count; i++)
        {
            if (numbers[i] == number)
            {
                return i;
            }
        }

        return -1;
    }
}
