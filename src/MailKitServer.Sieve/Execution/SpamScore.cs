using System.Globalization;

namespace MailKitServer.Sieve.Execution;

/// <summary>
/// spamtest's value (RFC 5235 §3.1) from the anti-spam result a filter in front of the server left in the header:
/// SpamAssassin's <c>X-Spam-Status: Yes, score=7.1 required=5.0</c> or <c>X-Spam-Score: 7.1</c> (threshold 5).
/// No such header: "0", not tested. Otherwise 1 (clean) to 10 (certainly spam), the threshold falling at 6;
/// with <c>:percent</c> (RFC 5235 §3.2) 0 to 100, the threshold at 50.
/// </summary>
internal static class SpamScore
{
    /// <summary>The value to compare.</summary>
    /// <param name="message">The message whose spam header fields are read.</param>
    /// <param name="percent">Whether the percentage form is wanted.</param>
    /// <returns>The value as text.</returns>
    public static string Read(SieveMessage message, bool percent)
    {
        double? score = null;
        var required = 5.0;
        foreach (var status in message.HeaderValues("X-Spam-Status"))
        {
            score ??= Field(status, "score=");
            required = Field(status, "required=") ?? Field(status, "threshold=") ?? required;
        }

        foreach (var value in message.HeaderValues("X-Spam-Score"))
        {
            score ??= double.TryParse(value.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var s) ? s : null;
        }

        if (score is not { } x || required <= 0)
        {
            return "0";
        }

        var ratio = Math.Clamp(x / (2 * required), 0, 1);
        return percent
            ? ((int)Math.Round(ratio * 100, MidpointRounding.AwayFromZero)).ToString(CultureInfo.InvariantCulture)
            : (1 + (int)Math.Round(ratio * 9, MidpointRounding.AwayFromZero)).ToString(CultureInfo.InvariantCulture);
    }

    private static double? Field(string text, string name)
    {
        var at = text.IndexOf(name, StringComparison.OrdinalIgnoreCase);
        if (at < 0)
        {
            return null;
        }

        var start = at + name.Length;
        var end = start;
        while (end < text.Length && (char.IsAsciiDigit(text[end]) || text[end] is '.' or '-'))
        {
            end++;
        }

        return double.TryParse(text.AsSpan(start, end - start), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null;
    }
}
