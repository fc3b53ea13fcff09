using System.Globalization;
using MailKitServer.Users;

namespace MailKitServer.Host;

/// <summary>The host's <c>--quota ADDR=KB[,MESSAGES]</c>: a user's limits for the directory (IMAP QUOTA, RFC 9208).</summary>
internal static class QuotaFlag
{
    /// <summary>The user's address: what comes before the '='.</summary>
    public static string Address(string value)
    {
        var eq = value.IndexOf('=', StringComparison.Ordinal);
        return eq > 0 ? value[..eq].Trim() : throw Invalid(value);
    }

    /// <summary>The limits: STORAGE in KiB (as IMAP counts it) and, optionally, MESSAGE; "-" leaves one to the store.</summary>
    public static UserQuota Parse(string value)
    {
        var limits = value[(value.IndexOf('=', StringComparison.Ordinal) + 1)..].Split(',');
        if (limits.Length > 2)
        {
            throw Invalid(value);
        }

        var kib = Limit(limits[0], value);
        var messages = limits.Length == 2 ? Limit(limits[1], value) : null;
        if (kib > long.MaxValue / 1024)
        {
            throw Invalid(value);
        }

        return new UserQuota(kib * 1024, messages);
    }

    private static long? Limit(string text, string value) =>
        text.Trim() == "-" ? null
        : long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n
        : throw Invalid(value);

    private static ArgumentException Invalid(string value) =>
        new($"--quota: '{value}' is not ADDR=KB[,MESSAGES] (a number or - for each).");
}
