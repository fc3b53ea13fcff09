namespace MailKitServer.Sieve.Scripts;

/// <summary>A stored script as ManageSieve's LISTSCRIPTS shows it.</summary>
/// <param name="Name">The script's name.</param>
/// <param name="IsActive">Whether it is the user's active script (the one run at delivery).</param>
public sealed record SieveScriptInfo(string Name, bool IsActive);
