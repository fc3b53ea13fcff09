using System.Globalization;

namespace MailKitServer.Imap.Structure;

/// <summary>Parses RFC 5322 §3.3 dates, with the obsolete forms of §4.3 and the common broken ones.</summary>
internal static class DateParser
{
    private static readonly string[] Months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

    /// <summary>Formats a date as RFC 5322 §3.3 date-time: "Sun, 22 Nov 2026 05:30:00 +0000".</summary>
    /// <param name="date">The date.</param>
    /// <returns>The text.</returns>
    public static string Format(DateTimeOffset date) =>
        date.ToString("ddd, dd MMM yyyy HH:mm:ss ", System.Globalization.CultureInfo.InvariantCulture) + (date.Offset < TimeSpan.Zero ? "-" : "+") + date.Offset.Duration().ToString("hhmm", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Parses a Date header value.</summary>
    /// <param name="value">The value, such as <c>Sun, 22 Nov 2026 03:00:00 +0000</c>.</param>
    /// <param name="date">The date.</param>
    /// <returns><see langword="true"/> when a date was recognised.</returns>
    public static bool TryParse(string? value, out DateTimeOffset date)
    {
        date = default;
        if (string.IsNullOrWhiteSpace(value))
        {
            return false;
        }

        // Drop comments and the day of week; split on white space and commas.
        var text = System.Text.RegularExpressions.Regex.Replace(value, @"\([^)]*\)", " ");
        var parts = text.Split([' ', '\t', ','], StringSplitOptions.RemoveEmptyEntries)

            // The broken but common "13-Oct-95" form.
            .SelectMany(p => System.Text.RegularExpressions.Regex.IsMatch(p, "^[0-9]{1,2}-[A-Za-z]{3}-[0-9]{2,4}$") ? p.Split('-') : [p])
            .ToList();
        if (parts.Count > 0 && parts[0].Length >= 3 && char.IsLetter(parts[0][0]) && !Months.Contains(parts[0][..3].ToLowerInvariant()))
        {
            parts.RemoveAt(0);
        }

        int? day = null, month = null, year = null;
        TimeSpan? time = null;
        TimeSpan offset = TimeSpan.Zero;
        foreach (var p in parts)
        {
            if (p.Contains(':', StringComparison.Ordinal) && time is null && TimeSpan.TryParse(p.Count(c => c == ':') == 1 ? p + ":00" : p, CultureInfo.InvariantCulture, out var t))
            {
                time = t;
            }
            else if (p[0] is '+' or '-' && p.Length == 5 && int.TryParse(p.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var hhmm))
            {
                offset = new TimeSpan(hhmm / 100, hhmm % 100, 0) * (p[0] == '-' ? -1 : 1);
            }
            else if (p.Length >= 3 && Array.IndexOf(Months, p[..3].ToLowerInvariant()) is var m && m >= 0 && month is null)
            {
                month = m + 1;
            }
            else if (int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            {
                if (day is null && n is >= 1 and <= 31 && p.Length <= 2)
                {
                    day = n;
                }
                else if (year is null)
                {
                    // RFC 5322 §4.3: two-digit years below 50 are 20xx, others 19xx; three digits add 1900.
                    year = p.Length switch
                    {
                        2 => n < 50 ? 2000 + n : 1900 + n,
                        3 => 1900 + n,
                        _ => n,
                    };
                }
            }
            else if (ZoneOffset(p) is { } zone)
            {
                offset = zone;
            }
        }

        if (day is null || month is null || year is null || year < 1 || year > 9999 || day > DateTime.DaysInMonth(year.Value, month.Value))
        {
            return false;
        }

        try
        {
            date = new DateTimeOffset(year.Value, month.Value, day.Value, 0, 0, 0, offset) + (time ?? TimeSpan.Zero);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static TimeSpan? ZoneOffset(string zone) => zone.ToUpperInvariant() switch
    {
        "UT" or "UTC" or "GMT" or "Z" => TimeSpan.Zero,
        "EDT" => TimeSpan.FromHours(-4),
        "EST" or "CDT" => TimeSpan.FromHours(-5),
        "CST" or "MDT" => TimeSpan.FromHours(-6),
        "MST" or "PDT" => TimeSpan.FromHours(-7),
        "PST" => TimeSpan.FromHours(-8),
        _ => null,
    };
}
