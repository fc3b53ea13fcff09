namespace MailKitServer.Smtp.Outbound;

/// <summary>What one MX host resolved to for <see cref="MxRouter"/>: this server, a temporary failure, a target, or (a host without addresses) none of these.</summary>
/// <param name="IsSelf">The host is this server (by name or by one of its addresses).</param>
/// <param name="Temporary">Why the host cannot be used for now (a DNS lookup failed).</param>
/// <param name="Target">Where to deliver.</param>
internal readonly record struct HostResolution(bool IsSelf = false, string? Temporary = null, RouteTarget? Target = null);
