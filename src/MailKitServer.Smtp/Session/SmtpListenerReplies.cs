using System.Globalization;
using System.Text;
using MailKitServer.Policy;
using MailKitServer.Runtime;

namespace MailKitServer.Smtp.Session;

/// <summary>
/// The replies every session of one SMTP listener sends alike, made once when the listener starts instead of for
/// every connection: the greeting, the farewells of a time-out and a shutdown, and the EHLO keywords after the
/// first line, in the four forms a session can need (over TLS or not, with AUTH offered or not). A session built
/// them with string formatting and a StringBuilder each time (issue 24: what every connection pays).
/// </summary>
internal sealed class SmtpListenerReplies
{
    private readonly byte[][] _ehloKeywords;

    /// <summary>Makes the replies from the server's name and the listener's options as they are at start.</summary>
    /// <param name="server">The server's options (its name, whether plain-text AUTH is allowed without TLS).</param>
    /// <param name="options">The listener's options.</param>
    public SmtpListenerReplies(MailServerOptions server, SmtpOptions options)
    {
        var name = server.ServerName;
        Greeting = Encoding.UTF8.GetBytes(options.Role == SmtpRole.Lmtp ? $"220 {name} LMTP MailKitServer ready\r\n" : $"220 {name} ESMTP MailKitServer ready\r\n");
        Farewell = new SessionFarewell($"421 4.4.2 {name} Error: timeout exceeded\r\n", $"421 4.3.2 {name} Service shutting down\r\n");
        EhloStart = $"250-{name} Hello ";
        _ehloKeywords =
        [
            EhloKeywords(server, options, secure: false, offerAuth: false),
            EhloKeywords(server, options, secure: false, offerAuth: true),
            EhloKeywords(server, options, secure: true, offerAuth: false),
            EhloKeywords(server, options, secure: true, offerAuth: true),
        ];
    }

    /// <summary>The 220 greeting (RFC 5321 §4.2, RFC 2033 §4.1 for LMTP).</summary>
    public byte[] Greeting { get; }

    /// <summary>The 421 replies of a session that timed out or that a shutdown ends.</summary>
    public SessionFarewell Farewell { get; }

    /// <summary>The start of EHLO's first line, up to the client's name: <c>250-name Hello </c>.</summary>
    public string EhloStart { get; }

    /// <summary>The EHLO keyword lines after the first line (RFC 5321 §4.1.1.1), the last one "250 HELP".</summary>
    /// <param name="secure">Whether the connection is protected by TLS.</param>
    /// <param name="offerAuth">Whether AUTH is offered (not on LMTP, not once authenticated).</param>
    /// <returns>The lines, with their CRLFs.</returns>
    public byte[] EhloKeywordLines(bool secure, bool offerAuth) => _ehloKeywords[(secure ? 2 : 0) + (offerAuth ? 1 : 0)];

    private static byte[] EhloKeywords(MailServerOptions server, SmtpOptions options, bool secure, bool offerAuth)
    {
        var sb = new StringBuilder(256);
        sb.Append("250-PIPELINING\r\n");
        sb.Append("250-SIZE ").Append(options.MaxMessageSize.ToString(CultureInfo.InvariantCulture)).Append("\r\n");
        sb.Append("250-8BITMIME\r\n");
        sb.Append("250-ENHANCEDSTATUSCODES\r\n");
        if (options.EnableStartTls && !secure)
        {
            sb.Append("250-STARTTLS\r\n");
        }

        if (offerAuth)
        {
            // Plain-text mechanisms only over TLS, unless the server allows them in clear (SaslMechanisms.AllowsPlainText).
            sb.Append("250-AUTH ").AppendJoin(' ', Sasl.SaslMechanisms.Advertised(secure || server.AllowInsecureAuthentication)).Append("\r\n");
        }

        if (options.EnableSmtpUtf8)
        {
            sb.Append("250-SMTPUTF8\r\n");
        }

        if (options.EnableChunking)
        {
            sb.Append("250-CHUNKING\r\n250-BINARYMIME\r\n");
        }

        if (options.EnableDsn)
        {
            sb.Append("250-DSN\r\n");
        }

        // RFC 8689 §4.1: REQUIRETLS is offered only once TLS is in place.
        if (options.EnableRequireTls && secure)
        {
            sb.Append("250-REQUIRETLS\r\n");
        }

        sb.Append("250 HELP\r\n");
        return Encoding.UTF8.GetBytes(sb.ToString());
    }
}
