using MailKitServer.Hosting;
using MailKitServer.Runtime;

// Extension methods for IServiceCollection live in its namespace by convention, so they are found without a using.
#pragma warning disable IDE0130
namespace Microsoft.Extensions.DependencyInjection;
#pragma warning restore IDE0130

/// <summary>Registers MailKitServer with dependency injection.</summary>
public static class MailKitServerServiceCollectionExtensions
{
    /// <summary>
    /// Adds a mail server run by the generic host. Seams registered in the container (<c>IMessageStore</c>,
    /// <c>IUserDirectory</c>, <c>IDnsResolver</c>, <c>IDeliveryPolicy</c>, <c>TimeProvider</c>) are used unless the
    /// builder names others; what is missing gets the in-memory defaults.
    /// </summary>
    /// <param name="services">The container.</param>
    /// <param name="configure">Configures the server: options, seams, and protocols (<c>AddSmtp</c>, ...).</param>
    /// <returns>The container.</returns>
    public static IServiceCollection AddMailKitServer(this IServiceCollection services, Action<MailServerBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        var builder = new MailServerBuilder();
        configure(builder);
        services.AddSingleton(builder);
        services.AddSingleton<MailServerHost>();
        services.AddHostedService(sp => sp.GetRequiredService<MailServerHost>());
        return services;
    }
}
