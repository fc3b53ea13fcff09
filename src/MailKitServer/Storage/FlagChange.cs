namespace MailKitServer.Storage;

/// <summary>A change of flags and keywords (IMAP STORE FLAGS, +FLAGS, -FLAGS).</summary>
/// <param name="Mode">Whether the flags are set, added or removed.</param>
/// <param name="Flags">The system flags.</param>
/// <param name="Keywords">The keywords.</param>
public sealed record FlagChange(FlagChangeMode Mode, SystemFlags Flags, IReadOnlyCollection<string> Keywords)
{
    /// <summary>Applies the change to a message's flags and keywords.</summary>
    /// <param name="flags">The current flags.</param>
    /// <param name="keywords">The current keywords.</param>
    /// <returns>The new flags and keywords.</returns>
    public (SystemFlags Flags, IReadOnlyList<string> Keywords) Apply(SystemFlags flags, IReadOnlyList<string> keywords)
    {
        switch (Mode)
        {
            case FlagChangeMode.Replace:
                return (Flags, Distinct(Keywords));
            case FlagChangeMode.Add:
                return (flags | Flags, Distinct(keywords.Concat(Keywords)));
            default:
                return (flags & ~Flags, keywords.Where(k => !Keywords.Contains(k, StringComparer.OrdinalIgnoreCase)).ToArray());
        }
    }

    private static string[] Distinct(IEnumerable<string> keywords) => keywords.Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
}
