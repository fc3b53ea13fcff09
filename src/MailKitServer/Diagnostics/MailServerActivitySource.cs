using System.Diagnostics;

namespace MailKitServer.Diagnostics;

/// <summary>The <see cref="ActivitySource"/> sessions and transactions are traced with (name <c>MailKitServer</c>).</summary>
public static class MailServerActivitySource
{
    /// <summary>The source name, for OpenTelemetry's <c>AddSource</c>.</summary>
    public const string Name = "MailKitServer";

    /// <summary>The source.</summary>
    public static ActivitySource Source { get; } = new(Name, ProductVersion.Value);
}
