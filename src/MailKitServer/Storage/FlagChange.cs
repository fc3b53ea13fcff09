using System.Runtime.CompilerServices;
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
    /// <remarks>
    /// A change without keywords that leaves the message's keywords as they are (removing none, or adding none to a
    /// message that has none) returns the message's own list: a STORE of a system flag over 20,000 messages made an
    /// iterator, a set and an array per message for it (issue 24).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs once per message of a STORE (issue 24)
    public (SystemFlags Flags, IReadOnlyList<string> Keywords) Apply(SystemFlags flags, IReadOnlyList<string> keywords)
    {
        if (Keywords.Count == 0 && (Mode == FlagChangeMode.Remove || keywords.Count == 0))
        {
            return (Mode switch
            {
                FlagChangeMode.Replace => Flags,
                FlagChangeMode.Add => flags | Flags,
                _ => flags & ~Flags,
            }, keywords);
        }

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
