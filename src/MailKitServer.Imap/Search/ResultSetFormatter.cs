using System.Globalization;
using System.Text;

namespace MailKitServer.Imap.Search;

/// <summary>
/// Writes numbers as an IMAP sequence-set that keeps their order (RFC 5267 §3.2): ascending runs of consecutive
/// numbers become ranges (<c>3:5</c>), everything else stays in place, e.g. 5 3 4 2 1 is <c>5,3:4,2,1</c>.
/// </summary>
internal static class ResultSetFormatter
{
    /// <summary>Formats the numbers.</summary>
    /// <param name="numbers">The numbers in the order to keep.</param>
    /// <returns>The sequence-set; empty when there are none.</returns>
    public static string Format(IReadOnlyList<uint> numbers)
    {
        var sb = new StringBuilder();
        Append(sb, numbers);
        return sb.ToString();
    }

    /// <summary>Appends the sequence-set.</summary>
    /// <param name="sb">The output.</param>
    /// <param name="numbers">The numbers in the order to keep.</param>
    public static void Append(StringBuilder sb, IReadOnlyList<uint> numbers)
    {
        var i = 0;
        var first = true;
        while (i < numbers.Count)
        {
            var start = numbers[i];
            var end = start;
            while (i + 1 < numbers.Count && end != uint.MaxValue && numbers[i + 1] == end + 1)
            {
                end = numbers[++i];
            }

            if (!first)
            {
                sb.Append(',');
            }

            first = false;
            sb.Append(start.ToString(CultureInfo.InvariantCulture));
            if (end != start)
            {
                sb.Append(':').Append(end.ToString(CultureInfo.InvariantCulture));
            }

            i++;
        }
    }
}
