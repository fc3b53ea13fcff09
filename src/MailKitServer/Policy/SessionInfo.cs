using System.Net;

namespace MailKitServer.Policy;

/// <summary>What a policy knows of the SMTP session asking it.</summary>
public sealed class SessionInfo
{
    /// <summary>Creates the description of a session.</summary>
    /// <param name="connectionId">The connection id.</param>
    /// <param name="listenerName">The listener name.</param>
    /// <param name="role">The listener role.</param>
    /// <param name="remoteEndPoint">The client's address.</param>
    /// <param name="localEndPoint">The server's address.</param>
    public SessionInfo(long connectionId, string listenerName, SmtpRole role, IPEndPoint remoteEndPoint, IPEndPoint localEndPoint)
    {
        ConnectionId = connectionId;
        ListenerName = listenerName;
        Role = role;
        RemoteEndPoint = remoteEndPoint;
        LocalEndPoint = localEndPoint;
    }

    /// <summary>The connection id, as the logs show it.</summary>
    public long ConnectionId { get; }

    /// <summary>The listener name (smtp, submission, ...).</summary>
    public string ListenerName { get; }

    /// <summary>The listener role.</summary>
    public SmtpRole Role { get; }

    /// <summary>The client's address.</summary>
    public IPEndPoint RemoteEndPoint { get; }

    /// <summary>The server's address.</summary>
    public IPEndPoint LocalEndPoint { get; }

    /// <summary>The name the client gave in HELO/EHLO/LHLO, once given.</summary>
    public string? HeloName { get; set; }

    /// <summary>Whether the session is protected by TLS.</summary>
    public bool IsSecure { get; set; }

    /// <summary>The authenticated user id, once authenticated.</summary>
    public string? AuthenticatedUser { get; set; }
}
