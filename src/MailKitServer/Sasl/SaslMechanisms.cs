using MailKitServer.Runtime;

namespace MailKitServer.Sasl;

/// <summary>The SASL mechanisms the server offers, shared by SMTP AUTH, POP3 AUTH and IMAP AUTHENTICATE.</summary>
internal static class SaslMechanisms
{
    private static readonly string[] All = ["SCRAM-SHA-256", "CRAM-MD5", "PLAIN", "LOGIN"];
    private static readonly string[] NotInClear = ["SCRAM-SHA-256", "CRAM-MD5"];

    /// <summary>Whether plain-text mechanisms may be used on a connection (TLS, or insecure authentication allowed).</summary>
    /// <param name="connection">The client's connection: whether it is secure, the server's options.</param>
    /// <returns><see langword="true"/> when passwords may cross it.</returns>
    public static bool AllowsPlainText(MailConnection connection) =>
        connection.IsSecure || connection.Server.Options.AllowInsecureAuthentication;

    /// <summary>The names to advertise on a connection, strongest first.</summary>
    /// <param name="connection">The client's connection: whether it is secure, the server's options.</param>
    /// <returns>The mechanism names.</returns>
    public static IReadOnlyList<string> Advertised(MailConnection connection) => Advertised(AllowsPlainText(connection));

    /// <summary>The names to advertise, strongest first.</summary>
    /// <param name="plainText">Whether plain-text mechanisms may be used (see <see cref="AllowsPlainText"/>).</param>
    /// <returns>The mechanism names.</returns>
    public static IReadOnlyList<string> Advertised(bool plainText) => plainText ? All : NotInClear;

    /// <summary>Decodes a client's base64 SASL response; "=" is the empty response (RFC 4954 §4, RFC 4959).</summary>
    /// <param name="text">The response line.</param>
    /// <param name="decoded">The octets.</param>
    /// <returns><see langword="false"/> when the text is not base64.</returns>
    public static bool TryDecodeResponse(ReadOnlySpan<char> text, out byte[] decoded)
    {
        decoded = [];
        if (text is "=")
        {
            return true;
        }

        var buffer = new byte[((text.Length + 3) / 4) * 3];
        if (!Convert.TryFromBase64Chars(text, buffer, out var written))
        {
            return false;
        }

        decoded = buffer[..written];
        return true;
    }

    /// <summary>Creates a mechanism by name.</summary>
    /// <param name="name">The name, in any case.</param>
    /// <param name="context">The server's services.</param>
    /// <returns>The mechanism, or <see langword="null"/> when it is not supported.</returns>
    public static SaslMechanism? Create(string name, MailServerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Create(name, context, context.Directory);
    }

    /// <summary>
    /// Creates a mechanism by name for a connection: its checks go through the server's <see cref="AuthThrottle"/>
    /// for the client's address (what SMTP AUTH, POP3 AUTH and IMAP AUTHENTICATE use).
    /// </summary>
    /// <param name="name">The name, in any case.</param>
    /// <param name="connection">The client's connection: whether it is secure, the server's options.</param>
    /// <returns>The mechanism, or <see langword="null"/> when it is not supported.</returns>
    public static SaslMechanism? Create(string name, MailConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return Create(name, connection.Server, connection.Server.AuthThrottle.Guard(connection.Server.Directory, connection.RemoteEndPoint.Address));
    }

    private static SaslMechanism? Create(string name, MailServerContext context, Users.IUserDirectory directory) => name.ToUpperInvariant() switch
    {
        "PLAIN" => new PlainMechanism(directory),
        "LOGIN" => new LoginMechanism(directory),
        "CRAM-MD5" => new CramMd5Mechanism(directory, context.Options.ServerName, context.TimeProvider),
        "SCRAM-SHA-256" => new ScramSha256Mechanism(directory),
        _ => null,
    };
}
