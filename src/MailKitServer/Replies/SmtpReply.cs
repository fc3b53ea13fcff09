namespace MailKitServer.Replies;

/// <summary>
/// An SMTP reply as a value: a three-digit code (RFC 5321 §4.2), an optional enhanced status code
/// (RFC 2034/3463) and one or more lines of text. Policies return these instead of throwing.
/// </summary>
public sealed record SmtpReply
{
    /// <summary>Creates a reply.</summary>
    /// <param name="code">The reply code, 200 to 599.</param>
    /// <param name="status">The enhanced status code, or <see langword="null"/> for replies that carry none (such as 220 and 354).</param>
    /// <param name="text">The text; line feeds separate the lines of a multi-line reply.</param>
    public SmtpReply(int code, EnhancedStatusCode? status, string text)
    {
        if (code is < 200 or > 599)
        {
            throw new ArgumentOutOfRangeException(nameof(code), code, "An SMTP reply code is 200 to 599.");
        }

        if (status is { } s && s.Class != code / 100)
        {
            throw new ArgumentException($"Enhanced status {s} does not match reply code {code} (RFC 3463 §2: the classes agree).", nameof(status));
        }

        ArgumentNullException.ThrowIfNull(text);
        if (text.Contains('\r', StringComparison.Ordinal))
        {
            throw new ArgumentException("Reply text must not contain CR; use LF between lines.", nameof(text));
        }

        Code = code;
        Status = status;
        Text = text;
    }

    /// <summary>Creates a reply from a code, an enhanced status written <c>x.y.z</c>, and text.</summary>
    /// <param name="code">The reply code.</param>
    /// <param name="status">The enhanced status code as text.</param>
    /// <param name="text">The reply text.</param>
    public SmtpReply(int code, string status, string text)
        : this(code, EnhancedStatusCode.TryParse(status, out var s) ? s : throw new ArgumentException($"'{status}' is not an enhanced status code.", nameof(status)), text)
    {
    }

    /// <summary>The three-digit reply code.</summary>
    public int Code { get; }

    /// <summary>The enhanced status code, if any.</summary>
    public EnhancedStatusCode? Status { get; }

    /// <summary>The text; line feeds separate lines.</summary>
    public string Text { get; }

    /// <summary>Whether the reply is a positive completion (2xx) or intermediate (3xx) reply.</summary>
    public bool IsPositive => Code < 400;

    /// <summary>Whether the reply is a transient failure (4xx).</summary>
    public bool IsTransient => Code is >= 400 and < 500;

    /// <summary>Whether the reply is a permanent failure (5xx).</summary>
    public bool IsPermanent => Code >= 500;

    /// <inheritdoc />
    public override string ToString() => Status is { } s ? $"{Code} {s} {Text}" : $"{Code} {Text}";
}
