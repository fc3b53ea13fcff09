using System.Globalization;
using System.Text;
using MailKitServer.Imap.Responses;

namespace MailKitServer.Imap.Search;

/// <summary>
/// Writes ADDTO and REMOVEFROM return data (RFC 5267 §4.3.3, §4.3.4). A SEARCH context uses position 0 with the
/// numbers in mailbox order (the shortest set, as §4.3.3 recommends); a SORT context gives each run its position:
/// additions at p, p+1, ... and removals repeated at p share one pair.
/// </summary>
internal static class ContextUpdateWriter
{
    /// <summary>Formats one ESEARCH response carrying the changes, or returns null when there are none.</summary>
    /// <param name="context">The context: its tag, whether it is UID, and whether it is sorted shape the response.</param>
    /// <param name="added">Whether the changes are additions (ADDTO) or removals (REMOVEFROM).</param>
    /// <param name="changes">Each change's position (as <see cref="ResultContext"/> reported it) and the number to name.</param>
    /// <returns>The response line with CRLF, or <see langword="null"/>.</returns>
    public static string? Format(ResultContext context, bool added, IReadOnlyList<(int Position, uint Number)> changes)
    {
        if (changes.Count == 0)
        {
            return null;
        }

        var sb = new StringBuilder("* ESEARCH (TAG ").Append(ImapFormat.String(context.Tag)).Append(')');
        if (context.Uid)
        {
            sb.Append(" UID");
        }

        sb.Append(added ? " ADDTO (" : " REMOVEFROM (");
        if (!context.IsSorted)
        {
            var numbers = changes.Select(c => c.Number).Order().ToList();
            sb.Append("0 ");
            ResultSetFormatter.Append(sb, numbers);
        }
        else
        {
            var i = 0;
            while (i < changes.Count)
            {
                var position = changes[i].Position;
                var run = new List<uint> { changes[i].Number };
                while (i + 1 < changes.Count && changes[i + 1].Position == (added ? position + run.Count : position))
                {
                    run.Add(changes[++i].Number);
                }

                if (sb[^1] != '(')
                {
                    sb.Append(' ');
                }

                sb.Append(position.ToString(CultureInfo.InvariantCulture)).Append(' ');
                ResultSetFormatter.Append(sb, run);
                i++;
            }
        }

        return sb.Append(")\r\n").ToString();
    }
}
