namespace MailKitServer.Replies;

/// <summary>
/// An enhanced mail system status code (RFC 3463): <c>class.subject.detail</c>, such as <c>5.1.1</c>.
/// </summary>
/// <param name="Class">2 (success), 4 (persistent transient failure) or 5 (permanent failure).</param>
/// <param name="Subject">The subject (0 to 7 in RFC 3463).</param>
/// <param name="Detail">The detail within the subject.</param>
public readonly record struct EnhancedStatusCode(int Class, int Subject, int Detail)
{
    /// <summary>Parses a code written as <c>x.y.z</c>.</summary>
    /// <param name="text">The text to parse.</param>
    /// <param name="code">The parsed code.</param>
    /// <returns><see langword="true"/> when the text is a valid enhanced status code.</returns>
    public static bool TryParse(ReadOnlySpan<char> text, out EnhancedStatusCode code)
    {
        code = default;
        Span<Range> parts = stackalloc Range[4];
        if (text.Split(parts, '.') != 3)
        {
            return false;
        }

        if (!int.TryParse(text[parts[0]], out var c) || (c != 2 && c != 4 && c != 5)
            || !int.TryParse(text[parts[1]], out var s) || s is < 0 or > 999
            || !int.TryParse(text[parts[2]], out var d) || d is < 0 or > 999)
        {
            return false;
        }

        code = new EnhancedStatusCode(c, s, d);
        return true;
    }

    /// <inheritdoc />
    public override string ToString() => $"{Class}.{Subject}.{Detail}";
}
