using System.Net;

namespace MailKitServer.Runtime;

/// <summary>A listener as it was bound: its name, the actual endpoint (with the real port when 0 was asked) and its TLS mode.</summary>
/// <param name="Name">The listener name.</param>
/// <param name="EndPoint">The bound endpoint.</param>
/// <param name="Tls">The TLS mode.</param>
public sealed record BoundEndpoint(string Name, IPEndPoint EndPoint, TlsMode Tls)
{
    /// <summary>The bound port.</summary>
    public int Port => EndPoint.Port;
}
