using System.Globalization;

namespace MailKitServer.Smtp.Screening.RateLimits;

/// <summary>
/// At most <see cref="Count"/> in any <see cref="Period"/>, spread over it: a full burst of <see cref="Count"/> is
/// taken at once, after which one more becomes due every <see cref="Period"/> / <see cref="Count"/> (a generic cell
/// rate algorithm, so a refusal can say exactly when to try again).
/// </summary>
public sealed record RateLimit
{
    /// <summary>Creates a limit.</summary>
    /// <param name="count">How many, at least 1.</param>
    /// <param name="period">In how long, positive.</param>
    public RateLimit(int count, TimeSpan period)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(period, TimeSpan.Zero);
        Count = count;
        Period = period;
    }

    /// <summary>How many.</summary>
    public int Count { get; }

    /// <summary>In how long.</summary>
    public TimeSpan Period { get; }

    /// <summary>Parses <c>N/PERIOD</c>, the period a number with <c>s</c>, <c>m</c>, <c>h</c> or <c>d</c> (<c>100/1h</c>, <c>5/30s</c>).</summary>
    /// <returns>The limit.</returns>
    /// <exception cref="FormatException">The text is not written so.</exception>
    public static RateLimit Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0
            && int.TryParse(text.AsSpan(0, slash), NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count > 0
            && text.Length > slash + 2
            && int.TryParse(text.AsSpan(slash + 1, text.Length - slash - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var amount) && amount > 0
            && char.ToLowerInvariant(text[^1]) switch { 's' => 1, 'm' => 60, 'h' => 3600, 'd' => 86400, _ => 0 } is var unit and > 0)
        {
            return new RateLimit(count, TimeSpan.FromSeconds((double)amount * unit));
        }

        throw new FormatException($"'{text}' is not a rate limit N/PERIOD such as 100/1h (periods in s, m, h or d).");
    }

    /// <inheritdoc />
    public override string ToString() => $"{Count.ToString(CultureInfo.InvariantCulture)}/{FormatPeriod(Period)}";

    /// <summary>A period as the shortest of <c>Nd</c>, <c>Nh</c>, <c>Nm</c>, <c>Ns</c> that says it exactly.</summary>
    internal static string FormatPeriod(TimeSpan period) =>
        period.Ticks % TimeSpan.TicksPerDay == 0 ? $"{period.Ticks / TimeSpan.TicksPerDay}d"
        : period.Ticks % TimeSpan.TicksPerHour == 0 ? $"{period.Ticks / TimeSpan.TicksPerHour}h"
        : period.Ticks % TimeSpan.TicksPerMinute == 0 ? $"{period.Ticks / TimeSpan.TicksPerMinute}m"
        : $"{Math.Ceiling(period.TotalSeconds).ToString(CultureInfo.InvariantCulture)}s";
}
