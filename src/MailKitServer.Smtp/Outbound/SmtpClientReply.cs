namespace MailKitServer.Smtp.Outbound;

/// <summary>A reply read by the SMTP client: the code and every line's text (RFC 5321 §4.2).</summary>
/// <param name="Code">The three-digit code.</param>
/// <param name="Lines">The text of each line, without the code and separator.</param>
internal sealed record SmtpClientReply(int Code, IReadOnlyList<string> Lines)
{
    public bool IsPositive => Code is >= 200 and < 400;

    public bool IsTransient => Code is >= 400 and < 500;

    /// <summary>The enhanced status (RFC 3463) at the start of the first line, or one made from the code's class.</summary>
    public string Status
    {
        get
        {
            var first = Lines.Count > 0 ? Lines[0] : string.Empty;
            var space = first.IndexOf(' ', StringComparison.Ordinal);
            var candidate = space > 0 ? first[..space] : first;
            var parts = candidate.Split('.');
            if (parts.Length == 3 && parts[0].Length == 1 && parts[0][0] == (char)('0' + (Code / 100)) && parts.All(p => p.Length is > 0 and <= 3 && p.All(char.IsAsciiDigit)))
            {
                return candidate;
            }

            return (Code / 100) switch
            {
                2 => "2.0.0",
                4 => "4.0.0",
                _ => "5.0.0",
            };
        }
    }

    /// <summary>The reply as one line, for logs and Diagnostic-Code.</summary>
    public override string ToString() => Code + " " + string.Join(' ', Lines);
}
