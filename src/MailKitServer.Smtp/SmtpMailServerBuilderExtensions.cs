using System.Net;
using MailKitServer.Policy;
using MailKitServer.Runtime;
using MailKitServer.Smtp.Session;

namespace MailKitServer.Smtp;

/// <summary>Adds SMTP, submission, SMTPS and LMTP listeners to a <see cref="MailServerBuilder"/>.</summary>
public static class SmtpMailServerBuilderExtensions
{
    /// <summary>Adds an SMTP listener with full control.</summary>
    /// <param name="builder">The server being composed.</param>
    /// <param name="name">The listener name.</param>
    /// <param name="endPoint">The endpoint (port 0 for any free port).</param>
    /// <param name="role">Inbound MTA (AUTH optional, mail for local domains), submission (AUTH required before MAIL) or LMTP.</param>
    /// <param name="tls">Implicit TLS or not.</param>
    /// <param name="configure">Changes the listener's options.</param>
    /// <returns>The builder.</returns>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "Not shipped: the loopback shortcuts and the full-control overload each default what a caller may leave out.")]
    public static MailServerBuilder AddSmtp(this MailServerBuilder builder, string name, IPEndPoint endPoint, SmtpRole role, TlsMode tls = TlsMode.None, Action<SmtpOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new SmtpOptions { Role = role };
        configure?.Invoke(options);
        return builder.AddListener(new ListenerDefinition(name, endPoint, tls, context => new SmtpConnectionHandler(context, options))
        {
            Validate = () => options.Validate(name),
        });
    }

    /// <summary>Adds the inbound MTA listener "smtp" on loopback.</summary>
    /// <param name="builder">The server being composed.</param>
    /// <param name="port">The port (0 for any free port; 25 in production).</param>
    /// <param name="configure">Changes the options.</param>
    /// <returns>The builder.</returns>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "Not shipped: the loopback shortcuts and the full-control overload each default what a caller may leave out.")]
    public static MailServerBuilder AddSmtp(this MailServerBuilder builder, int port = 0, Action<SmtpOptions>? configure = null) =>
        builder.AddSmtp("smtp", new IPEndPoint(IPAddress.Loopback, port), SmtpRole.Mta, TlsMode.None, configure);

    /// <summary>Adds the submission listener "submission" (AUTH required, STARTTLS) on loopback.</summary>
    /// <param name="builder">The server being composed.</param>
    /// <param name="port">The port (0 for any free port; 587 in production).</param>
    /// <param name="configure">Changes the options.</param>
    /// <returns>The builder.</returns>
    public static MailServerBuilder AddSubmission(this MailServerBuilder builder, int port = 0, Action<SmtpOptions>? configure = null) =>
        builder.AddSmtp("submission", new IPEndPoint(IPAddress.Loopback, port), SmtpRole.Submission, TlsMode.None, configure);

    /// <summary>Adds the implicit-TLS submission listener "smtps" (RFC 8314) on loopback.</summary>
    /// <param name="builder">The server being composed.</param>
    /// <param name="port">The port (0 for any free port; 465 in production).</param>
    /// <param name="configure">Changes the options.</param>
    /// <returns>The builder.</returns>
    public static MailServerBuilder AddSmtps(this MailServerBuilder builder, int port = 0, Action<SmtpOptions>? configure = null) =>
        builder.AddSmtp("smtps", new IPEndPoint(IPAddress.Loopback, port), SmtpRole.Submission, TlsMode.Implicit, configure);

    /// <summary>Adds an LMTP listener "lmtp" (RFC 2033) on loopback.</summary>
    /// <param name="builder">The server being composed.</param>
    /// <param name="port">The port (0 for any free port).</param>
    /// <param name="configure">Changes the options.</param>
    /// <returns>The builder.</returns>
    public static MailServerBuilder AddLmtp(this MailServerBuilder builder, int port = 0, Action<SmtpOptions>? configure = null) =>
        builder.AddSmtp("lmtp", new IPEndPoint(IPAddress.Loopback, port), SmtpRole.Lmtp, TlsMode.None, configure);
}
