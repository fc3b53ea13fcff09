using System.Globalization;

namespace MailKitServer.Sieve.Execution;

/// <summary>The date-parts of RFC 5260 §4.2 and zone handling.</summary>
internal static class DateParts
{
    /// <summary>One part of a date, as the RFC formats it.</summary>
    /// <param name="date">The date, already in the wanted zone.</param>
    /// <param name="part">The part name (checked at compilation).</param>
    /// <returns>The text.</returns>
    public static string Get(DateTimeOffset date, string part) => part switch
    {
        "year" => date.Year.ToString("D4", CultureInfo.InvariantCulture),
        "month" => date.Month.ToString("D2", CultureInfo.InvariantCulture),
        "day" => date.Day.ToString("D2", CultureInfo.InvariantCulture),
        "date" => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        "julian" => ((long)Math.Floor((date.Date - new DateTime(1858, 11, 17, 0, 0, 0, DateTimeKind.Unspecified)).TotalDays)).ToString(CultureInfo.InvariantCulture),
        "hour" => date.Hour.ToString("D2", CultureInfo.InvariantCulture),
        "minute" => date.Minute.ToString("D2", CultureInfo.InvariantCulture),
        "second" => date.Second.ToString("D2", CultureInfo.InvariantCulture),
        "time" => date.ToString("HH:mm:ss", CultureInfo.InvariantCulture),
        "iso8601" => date.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
        "std11" => MimeKit.Utils.DateUtils.FormatDate(date),
        "zone" => Zone(date.Offset),
        "weekday" => ((int)date.DayOfWeek).ToString(CultureInfo.InvariantCulture),
        _ => string.Empty,
    };

    /// <summary>Parses a <c>:zone</c> argument, "+hhmm" or "-hhmm" (RFC 5260 §4.1).</summary>
    /// <param name="zone">The argument.</param>
    /// <param name="offset">The offset from UTC (east positive); zero when the argument does not parse.</param>
    /// <returns>Whether it parsed.</returns>
    public static bool TryParseZone(string zone, out TimeSpan offset)
    {
        offset = TimeSpan.Zero;
        if (zone.Length != 5 || zone[0] is not ('+' or '-') || !int.TryParse(zone.AsSpan(1, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var h) || !int.TryParse(zone.AsSpan(3, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var m) || h > 14 || m > 59)
        {
            return false;
        }

        offset = new TimeSpan(h, m, 0) * (zone[0] == '-' ? -1 : 1);
        return true;
    }

    private static string Zone(TimeSpan offset) =>
        (offset < TimeSpan.Zero ? "-" : "+") + Math.Abs(offset.Hours).ToString("D2", CultureInfo.InvariantCulture) + Math.Abs(offset.Minutes).ToString("D2", CultureInfo.InvariantCulture);
}
