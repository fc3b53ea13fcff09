using System.Globalization;

namespace MailKitServer.Host;

/// <summary>Durations on the command line: 500ms, 30s, 5m, 4h, 5d.</summary>
internal static class Durations
{
    public static TimeSpan Parse(string text, string option)
    {
        var units = new (string Suffix, Func<double, TimeSpan> Make)[] { ("ms", TimeSpan.FromMilliseconds), ("s", TimeSpan.FromSeconds), ("m", TimeSpan.FromMinutes), ("h", TimeSpan.FromHours), ("d", TimeSpan.FromDays) };
        foreach (var (suffix, make) in units)
        {
            if (text.EndsWith(suffix, StringComparison.Ordinal) && double.TryParse(text.AsSpan(0, text.Length - suffix.Length), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) && value > 0)
            {
                return make(value);
            }
        }

        throw new ArgumentException($"{option}: '{text}' is not a duration such as 500ms, 30s, 5m, 4h or 5d.");
    }
}
