using MailKitServer.Delivery;
using MailKitServer.Smtp.Parsing;

namespace MailKitServer.Smtp.Session;

/// <summary>The ESMTP parameters of one RCPT command (RFC 3461 NOTIFY and ORCPT), parsed whole before anything is applied.</summary>
internal sealed record RecipientParameters(DsnNotify Notify, string? OriginalRecipient, IReadOnlyDictionary<string, string?> All)
{
    /// <summary>No parameters.</summary>
    public static RecipientParameters None { get; } = new(DsnNotify.None, null, new Dictionary<string, string?>());

    /// <summary>Parses the parameter list of RCPT.</summary>
    /// <param name="text">The octets after the forward-path.</param>
    /// <param name="options">What the listener offers.</param>
    /// <param name="parameters">The parameters, when valid.</param>
    /// <param name="error">The reply for the first invalid parameter.</param>
    /// <returns>Whether every parameter is valid.</returns>
    public static bool TryParse(ReadOnlySpan<byte> text, SmtpOptions options, out RecipientParameters parameters, out ReadOnlySpan<byte> error)
    {
        parameters = None;
        error = default;
        Dictionary<string, string?>? all = null;
        var notify = DsnNotify.None;
        string? originalRecipient = null;
        var reader = new EsmtpParameterReader(text);
        while (reader.TryRead(out var p, out var valid))
        {
            var value = text[p.Value];
            if (!valid || !SmtpText.TryDecode(text[p.Keyword], out var key) || !SmtpText.TryDecode(value, out var decoded) || (all?.ContainsKey(key) ?? false))
            {
                error = "501 5.5.4 Syntax error in parameters\r\n"u8;
                return false;
            }

            all ??= new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            all[key] = p.HasValue ? decoded : null;
            switch (key.ToUpperInvariant())
            {
                case "NOTIFY" when p.HasValue && options.EnableDsn:
                    if (!TryParseNotify(decoded, out notify))
                    {
                        error = "501 5.5.4 Syntax: NOTIFY=NEVER or NOTIFY=SUCCESS,FAILURE,DELAY\r\n"u8;
                        return false;
                    }

                    break;
                case "ORCPT" when p.HasValue && options.EnableDsn:
                    // RFC 3461 §4.2: ORCPT=addr-type;xtext
                    var semicolon = value.IndexOf((byte)';');
                    if (semicolon <= 0 || value.Length > 500 || !XText.TryDecode(value[(semicolon + 1)..], out var original))
                    {
                        error = "501 5.5.4 Syntax: ORCPT=addr-type;address\r\n"u8;
                        return false;
                    }

                    originalRecipient = decoded[..semicolon] + ";" + original;
                    break;
                default:
                    error = "555 5.5.4 Unsupported option\r\n"u8;
                    return false;
            }
        }

        // No parameters (nearly every RCPT): the shared empty value, not a dictionary and a record of its own.
        parameters = all is null ? None : new RecipientParameters(notify, originalRecipient, all);
        return true;
    }

    private static bool TryParseNotify(string text, out DsnNotify notify)
    {
        notify = DsnNotify.None;
        foreach (var part in text.Split(','))
        {
            notify |= part.ToUpperInvariant() switch
            {
                "NEVER" => DsnNotify.Never,
                "SUCCESS" => DsnNotify.Success,
                "FAILURE" => DsnNotify.Failure,
                "DELAY" => DsnNotify.Delay,
                _ => (DsnNotify)(-1),
            };
        }

        // RFC 3461 §4.1: NEVER stands alone.
        return notify > 0 && !(notify.HasFlag(DsnNotify.Never) && notify != DsnNotify.Never);
    }
}
