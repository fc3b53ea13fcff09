using MailKitServer.Runtime;
using MailKitServer.Sieve.Delivery;
using MailKitServer.Sieve.Execution;
using MailKitServer.Sieve.ManageSieve;

namespace MailKitServer.Sieve;

/// <summary>Adds Sieve filtering (and the ManageSieve listener) to a <see cref="MailServerBuilder"/>.</summary>
public static class SieveMailServerBuilderExtensions
{
    /// <summary>
    /// Runs each local recipient's active Sieve script at final delivery (SMTP and LMTP): fileinto, flags, discard,
    /// reject, redirect and vacation replies (through the outbound queue, or straight into local mailboxes). With
    /// <see cref="SieveOptions.ManageSieveEndPoint"/> set, also adds the "managesieve" listener where users upload
    /// and activate their scripts.
    /// </summary>
    /// <param name="builder">The server being composed; its delivery filter becomes the Sieve interpreter.</param>
    /// <param name="configure">Changes the options (the script store, the limits).</param>
    /// <returns>The builder.</returns>
    public static MailServerBuilder AddSieve(this MailServerBuilder builder, Action<SieveOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new SieveOptions();
        configure?.Invoke(options);
        var problems = options.Validate().ToList();
        if (problems.Count > 0)
        {
            throw new MailServerOptionsException(problems);
        }

        var cache = new SieveScriptCache();
        if (options.ManageSieveEndPoint is { } endPoint)
        {
            builder.AddListener(new ListenerDefinition("managesieve", endPoint, options.ManageSieveTls, context => new ManageSieveConnectionHandler(context, options, cache)));
        }

        return builder.UseDeliveryFilter(context => new SieveDeliveryFilter(context, options, cache));
    }
}
