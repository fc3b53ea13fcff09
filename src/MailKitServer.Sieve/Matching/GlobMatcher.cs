namespace MailKitServer.Sieve.Matching;

/// <summary>
/// Sieve's <c>:matches</c> (RFC 5228 §2.7.1): <c>*</c> any run, <c>?</c> one character, <c>\</c> quotes the next.
/// The two-pointer algorithm backtracks only to the latest <c>*</c>, so a pattern built to explode a backtracking
/// matcher costs at most value length × pattern length steps. Each wildcard's match is recorded for RFC 5229 match
/// variables; a <c>*</c> takes the shortest run that lets the rest match, as the RFC's examples show.
/// </summary>
internal static class GlobMatcher
{
    /// <summary>Matches a value against a pattern.</summary>
    /// <param name="value">The text tested (a header value, an address part).</param>
    /// <param name="pattern">The <c>:matches</c> key, with its escapes still in it.</param>
    /// <param name="comparator">How characters compare.</param>
    /// <param name="captures">The text each wildcard matched, in order, when it matches and captures are wanted.</param>
    /// <returns>Whether it matches.</returns>
    public static bool Match(string value, string pattern, SieveComparator comparator, List<string>? captures)
    {
        var items = Compile(pattern, merge: captures is null);
        var wildcards = items.Count(it => it.Kind != 0);
        var starts = captures is null ? null : new int[wildcards];
        var ends = captures is null ? null : new int[wildcards];
        var p = 0;
        var v = 0;
        var wildcard = 0;
        var starP = -1;
        var starV = 0;
        var starWildcard = 0;
        while (v < value.Length)
        {
            if (p < items.Count && items[p].Kind == 1)
            {
                starP = p;
                starV = v;
                starWildcard = wildcard;
                Record(starts, ends, wildcard++, v, v);
                p++;
            }
            else if (p < items.Count && (items[p].Kind == 2 || (items[p].Kind == 0 && comparator.CharEquals(items[p].C, value[v]))))
            {
                if (items[p].Kind == 2)
                {
                    Record(starts, ends, wildcard++, v, v + 1);
                }

                p++;
                v++;
            }
            else if (starP >= 0)
            {
                // Give the latest '*' one more character and retry what follows it.
                p = starP + 1;
                v = ++starV;
                wildcard = starWildcard + 1;
                if (ends is not null)
                {
                    ends[starWildcard] = v;
                }
            }
            else
            {
                return false;
            }
        }

        // Trailing '*'s match the empty rest.
        while (p < items.Count && items[p].Kind == 1)
        {
            Record(starts, ends, wildcard++, v, v);
            p++;
        }

        if (p != items.Count)
        {
            return false;
        }

        if (captures is not null)
        {
            Capture(captures, value, starts!, ends!);
        }

        return true;
    }

    /// <summary>RFC 5229 §3.2: ${0} is the whole value, ${1}... what each wildcard matched.</summary>
    private static void Capture(List<string> captures, string value, int[] starts, int[] ends)
    {
        captures.Clear();
        captures.Add(value);
        for (var w = 0; w < starts.Length; w++)
        {
            captures.Add(value[starts[w]..ends[w]]);
        }
    }

    /// <summary>Notes what wildcard <paramref name="wildcard"/> matched, when captures are wanted (the arrays are then non-null).</summary>
    private static void Record(int[]? starts, int[]? ends, int wildcard, int start, int end)
    {
        if (starts is not null)
        {
            starts[wildcard] = start;
            ends![wildcard] = end;
        }
    }

    /// <summary>
    /// The pattern as literal characters (kind 0), <c>*</c> (1) and <c>?</c> (2), escapes resolved; with
    /// <paramref name="merge"/>, runs of <c>*</c> are one (they match the same, but each is its own capture).
    /// </summary>
    private static List<(char C, int Kind)> Compile(string pattern, bool merge)
    {
        var items = new List<(char C, int Kind)>(pattern.Length);
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length)
            {
                items.Add((pattern[++i], 0));
            }
            else if (c == '*')
            {
                if (items.Count == 0 || items[^1].Kind != 1 || !merge)
                {
                    items.Add(('*', 1));
                }
            }
            else
            {
                items.Add((c, c == '?' ? 2 : 0));
            }
        }

        return items;
    }
}
