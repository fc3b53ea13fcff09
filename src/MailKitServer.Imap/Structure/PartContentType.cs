namespace MailKitServer.Imap.Structure;

/// <summary>A parsed Content-Type (RFC 2045 §5).</summary>
/// <param name="MediaType">The type, lower case (text, multipart, ...).</param>
/// <param name="SubType">The subtype, lower case.</param>
/// <param name="Parameters">The parameters in order, RFC 2231 continuations joined and decoded.</param>
internal sealed record PartContentType(string MediaType, string SubType, IReadOnlyList<PartParameter> Parameters)
{
    /// <summary>The default of RFC 2045 §5.2: text/plain; charset=us-ascii.</summary>
    public static PartContentType Default { get; } = new("text", "plain", [new PartParameter("charset", "us-ascii")]);

    /// <summary>The default inside multipart/digest (RFC 2046 §5.1.5).</summary>
    public static PartContentType DigestDefault { get; } = new("message", "rfc822", []);

    /// <summary>The type as written (IMAP BODYSTRUCTURE keeps the case, as Dovecot does).</summary>
    public string RawMediaType { get; init; } = MediaType;

    /// <summary>The subtype as written.</summary>
    public string RawSubType { get; init; } = SubType;

    /// <summary>The parameters as written: names in their case, RFC 2231 sections joined but not decoded (<c>name*</c> = <c>charset'lang'%XX...</c>).</summary>
    public IReadOnlyList<PartParameter> RawParameters { get; init; } = Parameters;

    /// <summary>Whether this is multipart/*.</summary>
    public bool IsMultipart => MediaType == "multipart";

    /// <summary>Whether this is an encapsulated message (message/rfc822 or message/global, RFC 6532).</summary>
    public bool IsMessage => MediaType == "message" && SubType is "rfc822" or "global";

    /// <summary>A parameter's value, or <see langword="null"/>.</summary>
    /// <param name="name">The parameter name, in any case.</param>
    /// <returns>The value.</returns>
    public string? this[string name]
    {
        get
        {
            // A loop: SEARCH BODY/TEXT asks every text part of every message for its charset (no closure per call).
            var parameters = Parameters;
            for (var i = 0; i < parameters.Count; i++)
            {
                if (parameters[i].Name.Equals(name, StringComparison.OrdinalIgnoreCase))
                {
                    return parameters[i].Value;
                }
            }

            return null;
        }
    }
}
