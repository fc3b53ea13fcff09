namespace MailKitServer.Imap.Responses;

/// <summary>
/// A LIST pattern (RFC 9051 §6.3.9): "*" matches anything, "%" anything but the hierarchy separator. Matching is a
/// dynamic program over (pattern, name) positions, so its cost is bounded by their lengths whatever the wildcards
/// (no backtracking blow-up). A leading "INBOX" matches in any case, as INBOX is case-insensitive.
/// </summary>
internal sealed class MailboxPattern
{
    private const char Separator = '/';
    private readonly string _pattern;

    /// <summary>Makes the canonical pattern: the reference followed by the mailbox pattern.</summary>
    /// <param name="reference">The reference name (decoded).</param>
    /// <param name="pattern">The mailbox pattern (decoded).</param>
    public MailboxPattern(string reference, string pattern)
    {
        var canonical = reference + pattern;
        if (canonical.Length >= 5 && canonical.StartsWith("INBOX", StringComparison.OrdinalIgnoreCase)
            && (canonical.Length == 5 || canonical[5] is Separator or '*' or '%'))
        {
            canonical = "INBOX" + canonical[5..];
        }

        _pattern = canonical;
    }

    /// <summary>Whether a mailbox name matches.</summary>
    /// <param name="name">The normalised mailbox name.</param>
    /// <returns>Whether it matches.</returns>
    public bool Matches(string name)
    {
        // matched[j]: the pattern prefix read so far matches name[..j].
        var matched = new bool[name.Length + 1];
        matched[0] = true;
        foreach (var p in _pattern)
        {
            if (p is '*' or '%')
            {
                // A wildcard extends every match to the right, "%" not past a separator.
                for (var j = 1; j <= name.Length; j++)
                {
                    matched[j] |= matched[j - 1] && (p == '*' || name[j - 1] != Separator);
                }
            }
            else
            {
                for (var j = name.Length; j >= 1; j--)
                {
                    matched[j] = matched[j - 1] && name[j - 1] == p;
                }

                matched[0] = false;
            }
        }

        return matched[name.Length];
    }
}
