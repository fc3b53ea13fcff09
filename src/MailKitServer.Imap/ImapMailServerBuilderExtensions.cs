using System.Net;
using MailKitServer.Imap.Session;
using MailKitServer.Runtime;

namespace MailKitServer.Imap;

/// <summary>Adds IMAP listeners to a <see cref="MailServerBuilder"/>.</summary>
public static class ImapMailServerBuilderExtensions
{
    /// <summary>Adds an IMAP listener with full control.</summary>
    /// <param name="builder">The builder; returned, for chaining.</param>
    /// <param name="name">The listener name.</param>
    /// <param name="endPoint">The endpoint (port 0 for any free port).</param>
    /// <param name="tls">Implicit TLS (RFC 8314, port 993) or not.</param>
    /// <param name="configure">Changes the options.</param>
    /// <returns>The builder.</returns>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "Not shipped: the loopback shortcuts and the full-control overload each default what a caller may leave out.")]
    public static MailServerBuilder AddImap(this MailServerBuilder builder, string name, IPEndPoint endPoint, TlsMode tls = TlsMode.None, Action<ImapOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new ImapOptions();
        configure?.Invoke(options);
        return builder.AddListener(new ListenerDefinition(name, endPoint, tls, context => new ImapConnectionHandler(context, options))
        {
            Validate = () => options.Validate(name),
        });
    }

    /// <summary>Adds the listener "imap" on loopback.</summary>
    /// <param name="builder">The builder; returned, for chaining.</param>
    /// <param name="port">The port (0 for any free port; 143 in production).</param>
    /// <param name="configure">Changes the options.</param>
    /// <returns>The builder.</returns>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "Not shipped: the loopback shortcuts and the full-control overload each default what a caller may leave out.")]
    public static MailServerBuilder AddImap(this MailServerBuilder builder, int port = 0, Action<ImapOptions>? configure = null) =>
        builder.AddImap("imap", new IPEndPoint(IPAddress.Loopback, port), TlsMode.None, configure);

    /// <summary>Adds the implicit-TLS listener "imaps" on loopback.</summary>
    /// <param name="builder">The builder; returned, for chaining.</param>
    /// <param name="port">The port (0 for any free port; 993 in production).</param>
    /// <param name="configure">Changes the options.</param>
    /// <returns>The builder.</returns>
    public static MailServerBuilder AddImaps(this MailServerBuilder builder, int port = 0, Action<ImapOptions>? configure = null) =>
        builder.AddImap("imaps", new IPEndPoint(IPAddress.Loopback, port), TlsMode.Implicit, configure);
}
