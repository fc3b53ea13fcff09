using System.Text;

namespace MailKitServer.Imap.Sorting;

/// <summary>
/// The "base subject" of RFC 5256 §2.1, which SORT (SUBJECT) and both THREAD algorithms compare: reply and forward
/// markers, list tags and "(fwd)" trailers removed. Each step below is the RFC's, in its order.
/// </summary>
internal static class BaseSubject
{
    /// <summary>Extracts the base subject.</summary>
    /// <param name="subject">The subject with RFC 2047 encoded words already decoded (step 1's first half).</param>
    /// <param name="isReplyOrForward">
    /// Whether the extraction removed a subj-refwd, a "(fwd)" trailer or a "[fwd: ...]" wrapper: REFERENCES
    /// threading treats such a message as a reply or forward (RFC 5256 §3, REFERENCES step 5).
    /// </param>
    /// <returns>The base subject, case preserved (collate it with <see cref="UnicodeCasemap"/>).</returns>
    public static string Extract(string subject, out bool isReplyOrForward)
    {
        isReplyOrForward = false;

        // (1) Tabs and continuations become spaces; runs of spaces become one.
        var text = CollapseWhiteSpace(subject);
        var start = 0;
        var end = text.Length;
        while (true)
        {
            // (2) Remove trailing subj-trailer ("(fwd)" / WSP), repeatedly.
            while (end > start)
            {
                if (text[end - 1] == ' ')
                {
                    end--;
                }
                else if (end - start >= 5 && text.AsSpan(end - 5, 5).Equals("(fwd)", StringComparison.OrdinalIgnoreCase))
                {
                    end -= 5;
                    isReplyOrForward = true;
                }
                else
                {
                    break;
                }
            }

            // (5) Repeat (3) and (4) until no matches remain.
            while (true)
            {
                // (3) Remove prefix text matching subj-leader: (*subj-blob subj-refwd) / WSP.
                if (start < end && text[start] == ' ')
                {
                    start++;
                    continue;
                }

                if (MatchLeader(text, start, end) is var leaderEnd and > 0)
                {
                    start = leaderEnd;
                    isReplyOrForward = true;
                    continue;
                }

                // (4) Remove a leading subj-blob when what remains is a non-empty subj-base.
                if (MatchBlob(text, start, end) is var blobEnd and > 0 && blobEnd < end)
                {
                    start = blobEnd;
                    continue;
                }

                break;
            }

            // (6) "[fwd:" ... "]" around the whole text: remove both and repeat from step (2).
            if (end - start >= 6 && text.AsSpan(start, 5).Equals("[fwd:", StringComparison.OrdinalIgnoreCase) && text[end - 1] == ']')
            {
                start += 5;
                end--;
                isReplyOrForward = true;
                continue;
            }

            // (7) What remains is the base subject.
            return text[start..end];
        }
    }

    /// <summary>subj-leader's first form: *subj-blob subj-refwd; returns the index after it, or -1.</summary>
    private static int MatchLeader(string text, int start, int end)
    {
        var i = start;
        while (MatchBlob(text, i, end) is var next and > 0)
        {
            i = next;
        }

        return MatchRefwd(text, i, end);
    }

    /// <summary>subj-refwd = ("re" / ("fw" ["d"])) *WSP [subj-blob] ":"; returns the index after it, or -1.</summary>
    private static int MatchRefwd(string text, int i, int end)
    {
        if (end - i >= 2 && text.AsSpan(i, 2).Equals("re", StringComparison.OrdinalIgnoreCase))
        {
            i += 2;
        }
        else if (end - i >= 2 && text.AsSpan(i, 2).Equals("fw", StringComparison.OrdinalIgnoreCase))
        {
            i += 2;
            if (i < end && text[i] is 'd' or 'D')
            {
                i++;
            }
        }
        else
        {
            return -1;
        }

        while (i < end && text[i] == ' ')
        {
            i++;
        }

        if (MatchBlob(text, i, end) is var blobEnd and > 0)
        {
            i = blobEnd;
        }

        return i < end && text[i] == ':' ? i + 1 : -1;
    }

    /// <summary>subj-blob = "[" *BLOBCHAR "]" *WSP; returns the index after it, or -1.</summary>
    private static int MatchBlob(string text, int i, int end)
    {
        if (i >= end || text[i] != '[')
        {
            return -1;
        }

        var close = text.AsSpan(i + 1, end - i - 1).IndexOfAny('[', ']');
        if (close < 0 || text[i + 1 + close] != ']')
        {
            return -1;
        }

        i += close + 2;
        while (i < end && text[i] == ' ')
        {
            i++;
        }

        return i;
    }

    private static string CollapseWhiteSpace(string subject)
    {
        if (subject.AsSpan().IndexOfAny("\t\r\n") < 0 && !subject.Contains("  ", StringComparison.Ordinal))
        {
            return subject;
        }

        var sb = new StringBuilder(subject.Length);
        foreach (var c in subject)
        {
            var space = c is ' ' or '\t' or '\r' or '\n';
            if (!space)
            {
                sb.Append(c);
            }
            else if (sb.Length == 0 || sb[^1] != ' ')
            {
                sb.Append(' ');
            }
        }

        return sb.ToString();
    }
}
