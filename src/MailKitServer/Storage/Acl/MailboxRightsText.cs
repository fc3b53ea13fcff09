namespace MailKitServer.Storage.Acl;

/// <summary>
/// Rights as the letters of RFC 4314 §2.1 ("lrswipkxtea"), with the obsolete "c" and "d" of §2.1.1: this server is
/// of the second group there, "c" is "k" and "d" is "xte".
/// </summary>
internal static class MailboxRightsText
{
    /// <summary>The letters of the real rights, in the order GETACL and MYRIGHTS give them.</summary>
    public const string Letters = "lrswipkxtea";

    /// <summary>The rights beyond RFC 2086's, for the RIGHTS= capability (RFC 4314 §5.1.1: must hold t, e, x and k).</summary>
    public const string Extra = "texk";

    private const MailboxRights Create = MailboxRights.CreateMailbox;
    private const MailboxRights Delete = MailboxRights.DeleteMailbox | MailboxRights.DeleteMessages | MailboxRights.Expunge;

    /// <summary>The right of one letter, "c" and "d" included.</summary>
    /// <param name="letter">The letter (lower case only: RFC 4314 §3.1 refuses upper case).</param>
    /// <param name="rights">The right or rights.</param>
    /// <returns>Whether the letter names a right.</returns>
    public static bool TryParse(char letter, out MailboxRights rights)
    {
        rights = letter switch
        {
            'c' => Create,
            'd' => Delete,
            _ => Letters.IndexOf(letter, StringComparison.Ordinal) is var i and >= 0 ? (MailboxRights)(1 << i) : MailboxRights.None,
        };
        return rights != MailboxRights.None;
    }

    /// <summary>A string of rights letters; an unknown letter fails the whole string (RFC 4314 §3.1).</summary>
    /// <param name="text">The letters, without a "+" or "-".</param>
    /// <param name="rights">The rights named; <see cref="MailboxRights.None"/> when a letter is unknown.</param>
    /// <returns>Whether every letter names a right.</returns>
    public static bool TryParse(ReadOnlySpan<char> text, out MailboxRights rights)
    {
        rights = MailboxRights.None;
        foreach (var c in text)
        {
            if (!TryParse(c, out var one))
            {
                rights = MailboxRights.None;
                return false;
            }

            rights |= one;
        }

        return true;
    }

    /// <summary>The letters of the rights (for a file: no virtual rights).</summary>
    /// <returns>The letters, in <see cref="Letters"/> order.</returns>
    public static string Format(MailboxRights rights)
    {
        Span<char> letters = stackalloc char[Letters.Length];
        var n = 0;
        for (var i = 0; i < Letters.Length; i++)
        {
            if ((rights & (MailboxRights)(1 << i)) != 0)
            {
                letters[n++] = Letters[i];
            }
        }

        return new string(letters[..n]);
    }

    /// <summary>The letters as IMAP answers them: with "c" when "k" is there and "d" when any of "xte" is (RFC 4314 §2.1.1).</summary>
    /// <returns>The letters.</returns>
    public static string FormatForImap(MailboxRights rights) =>
        Format(rights) + ((rights & Create) != 0 ? "c" : string.Empty) + ((rights & Delete) != 0 ? "d" : string.Empty);
}
