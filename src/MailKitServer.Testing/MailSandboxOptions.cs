using MailKitServer.Storage;
using Microsoft.Extensions.Logging;

namespace MailKitServer.Testing;

/// <summary>How a <see cref="MailSandbox"/> starts.</summary>
public sealed class MailSandboxOptions
{
    /// <summary>The server's host name (greeting, Received headers, certificate subject).</summary>
    public string ServerName { get; set; } = "localhost";

    /// <summary>
    /// Whether mail for any address in any domain is accepted and kept (the default: an application under test may
    /// send anywhere). When false, only users added with <see cref="MailSandbox.AddUser"/> (and their domains) receive.
    /// </summary>
    public bool AcceptAllRecipients { get; set; } = true;

    /// <summary>Whether AUTH and LOGIN work without TLS (default true: test clients rarely set up TLS).</summary>
    public bool AllowInsecureAuthentication { get; set; } = true;

    /// <summary>Which listeners start (all by default); each gets a free loopback port.</summary>
    public SandboxProtocols Protocols { get; set; } = SandboxProtocols.All;

    /// <summary>Users to create at start (address, password).</summary>
    public IList<(string Address, string Password)> Users { get; } = [];

    /// <summary>The message store; default: in memory. Pass a Maildir store to keep mail on disk.</summary>
    public IMessageStore? Store { get; set; }

    /// <summary>Logging (protocol transcripts at Trace); default: none.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>The clock for time-outs and the outbound schedule; default: the system clock.</summary>
    public TimeProvider? TimeProvider { get; set; }

    /// <summary>The largest message accepted, in octets.</summary>
    public long MaxMessageSize { get; set; } = 50L * 1024 * 1024;
}
