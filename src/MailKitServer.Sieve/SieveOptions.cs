using System.Net;
using MailKitServer.Runtime;
using MailKitServer.Sieve.Scripts;

namespace MailKitServer.Sieve;

/// <summary>Options of Sieve filtering and ManageSieve.</summary>
public sealed class SieveOptions
{
    /// <summary>Where scripts live. Default: an <see cref="InMemorySieveScriptStore"/>.</summary>
    public ISieveScriptStore ScriptStore { get; set; } = new InMemorySieveScriptStore();

    /// <summary>The largest script accepted (PUTSCRIPT refuses larger ones with QUOTA/MAXSIZE). Default 256 KiB.</summary>
    public int MaxScriptSize { get; set; } = 256 * 1024;

    /// <summary>The most scripts one user may store. Default 64.</summary>
    public int MaxScripts { get; set; } = 64;

    /// <summary>The most actions one run may take (keep, fileinto, redirect, discard, reject, vacation). Default 32.</summary>
    public int MaxActions { get; set; } = 32;

    /// <summary>The most redirects one run may take. Default 4.</summary>
    public int MaxRedirects { get; set; } = 4;

    /// <summary>The deepest chain of includes (RFC 6609). Default 8.</summary>
    public int MaxIncludeDepth { get; set; } = 8;

    /// <summary>The longest value a variable holds; longer values are truncated (RFC 5229 §3). Default 4096.</summary>
    public int MaxVariableLength { get; set; } = 4096;

    /// <summary>The shortest vacation period accepted (shorter <c>:days</c>/<c>:seconds</c> are raised to it). Default one hour.</summary>
    public TimeSpan MinVacationPeriod { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Where the ManageSieve listener (RFC 5804, named "managesieve") listens, or <see langword="null"/> for none.
    /// Port 0 takes any free port; 4190 is the standard port.
    /// </summary>
    public IPEndPoint? ManageSieveEndPoint { get; set; }

    /// <summary>Whether ManageSieve starts in TLS (<see cref="TlsMode.Implicit"/>) or offers STARTTLS (<see cref="TlsMode.None"/>, the standard).</summary>
    public TlsMode ManageSieveTls { get; set; } = TlsMode.None;

    /// <summary>Validates the options.</summary>
    /// <returns>The problems, empty when valid.</returns>
    internal IEnumerable<string> Validate()
    {
        if (ScriptStore is null)
        {
            yield return "Sieve: ScriptStore must be set.";
        }

        if (MaxScriptSize is < 1024 or > 16 * 1024 * 1024)
        {
            yield return "Sieve: MaxScriptSize must be between 1 KiB and 16 MiB.";
        }

        if (MaxScripts < 1 || MaxActions < 1 || MaxRedirects < 0 || MaxIncludeDepth < 0 || MaxVariableLength < 16)
        {
            yield return "Sieve: MaxScripts and MaxActions must be positive, MaxRedirects and MaxIncludeDepth not negative, MaxVariableLength at least 16.";
        }

        if (MinVacationPeriod < TimeSpan.Zero)
        {
            yield return "Sieve: MinVacationPeriod must not be negative.";
        }
    }
}
