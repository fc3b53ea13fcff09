using System.Net;
using MailKitServer.Pop3.Session;
using MailKitServer.Runtime;

namespace MailKitServer.Pop3;

/// <summary>Adds POP3 listeners to a <see cref="MailServerBuilder"/>.</summary>
public static class Pop3MailServerBuilderExtensions
{
    /// <summary>Adds a POP3 listener with full control.</summary>
    /// <param name="builder">The server being composed.</param>
    /// <param name="name">The listener name.</param>
    /// <param name="endPoint">The endpoint (port 0 for any free port).</param>
    /// <param name="tls">Implicit TLS (RFC 8314, port 995) or not.</param>
    /// <param name="configure">Changes the options.</param>
    /// <returns>The builder.</returns>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "Not shipped: the loopback shortcuts and the full-control overload each default what a caller may leave out.")]
    public static MailServerBuilder AddPop3(this MailServerBuilder builder, string name, IPEndPoint endPoint, TlsMode tls = TlsMode.None, Action<Pop3Options>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new Pop3Options();
        configure?.Invoke(options);
        return builder.AddListener(new ListenerDefinition(name, endPoint, tls, context => new Pop3ConnectionHandler(context, options, LoginDelayTracker.For(context)))
        {
            Validate = () => options.Validate(name),
        });
    }

    /// <summary>Adds the listener "pop3" on loopback.</summary>
    /// <param name="builder">The server being composed.</param>
    /// <param name="port">The port (0 for any free port; 110 in production).</param>
    /// <param name="configure">Changes the options.</param>
    /// <returns>The builder.</returns>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "Not shipped: the loopback shortcuts and the full-control overload each default what a caller may leave out.")]
    public static MailServerBuilder AddPop3(this MailServerBuilder builder, int port = 0, Action<Pop3Options>? configure = null) =>
        builder.AddPop3("pop3", new IPEndPoint(IPAddress.Loopback, port), TlsMode.None, configure);

    /// <summary>Adds the implicit-TLS listener "pop3s" on loopback.</summary>
    /// <param name="builder">The server being composed.</param>
    /// <param name="port">The port (0 for any free port; 995 in production).</param>
    /// <param name="configure">Changes the options.</param>
    /// <returns>The builder.</returns>
    public static MailServerBuilder AddPop3s(this MailServerBuilder builder, int port = 0, Action<Pop3Options>? configure = null) =>
        builder.AddPop3("pop3s", new IPEndPoint(IPAddress.Loopback, port), TlsMode.Implicit, configure);
}
