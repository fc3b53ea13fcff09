using System.Globalization;
using MailKitServer.Delivery;
using MailKitServer.Smtp.Parsing;

namespace MailKitServer.Smtp.Session;

/// <summary>
/// The ESMTP parameters of one MAIL command, parsed whole before anything is applied: a MAIL refused for any reason
/// leaves the transaction as it was, so nothing of it (SMTPUTF8, BODY, RET, ENVID, REQUIRETLS) leaks into the next.
/// </summary>
internal sealed record MailParameters(
    long? Size,
    BodyType Body,
    bool SmtpUtf8,
    bool RequireTls,
    DsnReturn? Return,
    string? EnvelopeId,
    IReadOnlyDictionary<string, string?> All)
{
    /// <summary>No parameters: what a transaction holds before MAIL is accepted.</summary>
    public static MailParameters None { get; } = new(null, BodyType.SevenBit, false, false, null, null, new Dictionary<string, string?>());

    /// <summary>Parses the parameter list of MAIL.</summary>
    /// <param name="text">The octets after the reverse-path.</param>
    /// <param name="options">What the listener offers (an extension it does not offer makes its parameter unknown).</param>
    /// <param name="secure">Whether the connection is under TLS (REQUIRETLS needs it).</param>
    /// <param name="parameters">The parameters, when valid.</param>
    /// <param name="error">The reply for the first invalid parameter.</param>
    /// <returns>Whether every parameter is valid.</returns>
    public static bool TryParse(ReadOnlySpan<byte> text, SmtpOptions options, bool secure, out MailParameters parameters, out ReadOnlySpan<byte> error)
    {
        parameters = None;
        error = default;
        Dictionary<string, string?>? all = null;
        long? size = null;
        var body = BodyType.SevenBit;
        var smtpUtf8 = false;
        var requireTls = false;
        DsnReturn? ret = null;
        string? envelopeId = null;
        var reader = new EsmtpParameterReader(text);
        while (reader.TryRead(out var p, out var valid))
        {
            var keyword = text[p.Keyword];
            var value = text[p.Value];
            if (!valid || !SmtpText.TryDecode(keyword, out var key) || !SmtpText.TryDecode(value, out var decoded) || (all?.ContainsKey(key) ?? false))
            {
                error = "501 5.5.4 Syntax error in parameters\r\n"u8;
                return false;
            }

            all ??= new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            all[key] = p.HasValue ? decoded : null;
            switch (key.ToUpperInvariant())
            {
                case "SIZE" when p.HasValue:
                    if (!TryParseSize(decoded, options, out var declared, out error))
                    {
                        return false;
                    }

                    size = declared;
                    break;
                case "BODY" when p.HasValue:
                    if (ParseBody(decoded, options) is not { } type)
                    {
                        error = "501 5.5.4 Unsupported BODY type\r\n"u8;
                        return false;
                    }

                    body = type;
                    break;
                case "SMTPUTF8" when !p.HasValue && options.EnableSmtpUtf8:
                    smtpUtf8 = true;
                    break;
                case "RET" when p.HasValue && options.EnableDsn:
                    ret = ParseReturn(decoded);
                    if (ret is null)
                    {
                        error = "501 5.5.4 Syntax: RET=FULL or RET=HDRS\r\n"u8;
                        return false;
                    }

                    break;
                case "ENVID" when p.HasValue && options.EnableDsn:
                    // RFC 3461 §4.4: ENVID is xtext, at most 100 characters.
                    if (value.Length > 100 || !XText.TryDecode(value, out envelopeId))
                    {
                        error = "501 5.5.4 Syntax: ENVID=xtext\r\n"u8;
                        return false;
                    }

                    break;
                case "AUTH" when p.HasValue:
                    // RFC 4954 §5: the AUTH parameter of MAIL is accepted; trusting it is the policy's business.
                    break;
                case "REQUIRETLS" when !p.HasValue && options.EnableRequireTls && secure:
                    requireTls = true;
                    break;
                default:
                    error = "555 5.5.4 Unsupported option\r\n"u8;
                    return false;
            }
        }

        // No parameters (nearly every MAIL): the shared empty value, not a dictionary and a record of its own.
        parameters = all is null ? None : new MailParameters(size, body, smtpUtf8, requireTls, ret, envelopeId, all);
        return true;
    }

    /// <summary>RFC 1870: SIZE=number, refused at MAIL when over the limit (§6).</summary>
    private static bool TryParseSize(string text, SmtpOptions options, out long size, out ReadOnlySpan<byte> error)
    {
        error = default;
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out size))
        {
            error = "501 5.5.4 Syntax: SIZE=number\r\n"u8;
            return false;
        }

        if (size > options.MaxMessageSize)
        {
            error = "552 5.3.4 Message size exceeds fixed maximum message size\r\n"u8;
            return false;
        }

        return true;
    }

    /// <summary>RFC 6152 BODY=7BIT / 8BITMIME, RFC 3030 BINARYMIME (with CHUNKING); null for anything else.</summary>
    private static BodyType? ParseBody(string text, SmtpOptions options) => text.ToUpperInvariant() switch
    {
        "7BIT" => BodyType.SevenBit,
        "8BITMIME" => BodyType.EightBitMime,
        "BINARYMIME" when options.EnableChunking => BodyType.BinaryMime,
        _ => null,
    };

    /// <summary>RFC 3461 §4.3 RET=FULL / HDRS; null for anything else.</summary>
    private static DsnReturn? ParseReturn(string text) => text.ToUpperInvariant() switch
    {
        "FULL" => DsnReturn.Full,
        "HDRS" => DsnReturn.Headers,
        _ => null,
    };
}
