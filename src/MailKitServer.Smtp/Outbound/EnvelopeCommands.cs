using System.Globalization;
using System.Text;
using MailKitServer.Delivery;
using MailKitServer.Smtp.Outbound.Queue;
using MailKitServer.Smtp.Parsing;

namespace MailKitServer.Smtp.Outbound;

/// <summary>The MAIL and RCPT commands that carry a queued message's envelope to the next hop, with the parameters it offers.</summary>
internal static class EnvelopeCommands
{
    /// <summary>MAIL FROM with SIZE (RFC 1870), BODY (RFC 6152, RFC 3030), SMTPUTF8 (RFC 6531), REQUIRETLS (RFC 8689) and DSN's RET/ENVID (RFC 3461 §4).</summary>
    public static string Mail(QueuedMessage message, IReadOnlyDictionary<string, string> extensions, bool dsn)
    {
        var mail = new StringBuilder("MAIL FROM:<").Append(message.ReversePath).Append('>');
        if (extensions.ContainsKey("SIZE"))
        {
            mail.Append(" SIZE=").Append(message.Size.ToString(CultureInfo.InvariantCulture));
        }

        if (message.Body != BodyType.SevenBit && (extensions.ContainsKey("8BITMIME") || message.Body == BodyType.BinaryMime))
        {
            mail.Append(message.Body == BodyType.BinaryMime ? " BODY=BINARYMIME" : " BODY=8BITMIME");
        }

        if (message.SmtpUtf8)
        {
            mail.Append(" SMTPUTF8");
        }

        if (message.RequireTls)
        {
            mail.Append(" REQUIRETLS");
        }

        if (dsn)
        {
            if (message.Return is { } ret)
            {
                mail.Append(" RET=").Append(ret == DsnReturn.Full ? "FULL" : "HDRS");
            }

            if (message.EnvelopeId is { } envid)
            {
                mail.Append(" ENVID=").Append(XText.Encode(envid));
            }
        }

        return mail.ToString();
    }

    /// <summary>RCPT TO with DSN's NOTIFY and ORCPT (RFC 3461 §4) when the next hop offers DSN.</summary>
    public static string Rcpt(QueuedRecipient recipient, bool dsn)
    {
        var rcpt = new StringBuilder("RCPT TO:<").Append(recipient.Address).Append('>');
        if (dsn && recipient.Notify != DsnNotify.None)
        {
            rcpt.Append(" NOTIFY=").Append(NotifyText(recipient.Notify));
        }

        if (dsn && recipient.OriginalRecipient is { } orcpt)
        {
            var semi = orcpt.IndexOf(';', StringComparison.Ordinal);
            rcpt.Append(" ORCPT=").Append(semi > 0 ? orcpt[..(semi + 1)] + XText.Encode(orcpt[(semi + 1)..]) : "rfc822;" + XText.Encode(orcpt));
        }

        return rcpt.ToString();
    }

    private static string NotifyText(DsnNotify notify) =>
        (notify & DsnNotify.Never) != 0 ? "NEVER" : string.Join(',', new[] { (DsnNotify.Success, "SUCCESS"), (DsnNotify.Failure, "FAILURE"), (DsnNotify.Delay, "DELAY") }.Where(x => (notify & x.Item1) != 0).Select(x => x.Item2));
}
