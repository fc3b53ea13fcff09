using MailKitServer.Diagnostics;
using MailKitServer.Users;
using MailKitServer.Users.InMemory;
using MailKitServer.Dns;
using MailKitServer.Policy;
using MailKitServer.Storage;
using MailKitServer.Storage.InMemory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MailKitServer.Runtime;

/// <summary>
/// Composes a server: shared options, the implementations of the four seams (in-memory defaults where none is
/// given), and the protocol listeners that engine packages add (<c>AddSmtp</c>, <c>AddPop3</c>, <c>AddImap</c>).
/// Used directly (<see cref="MailServer.CreateBuilder"/>) or through <c>services.AddMailKitServer(...)</c>.
/// </summary>
public sealed class MailServerBuilder
{
    private readonly List<ListenerDefinition> _listeners = [];
    private Func<IServiceProvider?, IMessageStore>? _store;
    private Func<IServiceProvider?, IUserDirectory>? _directory;
    private Func<IServiceProvider?, IDnsResolver>? _dns;
    private Func<IServiceProvider?, IDeliveryPolicy>? _policy;
    private Func<IServiceProvider?, Delivery.IOutboundQueue>? _queue;
    private Func<MailServerContext, Delivery.IOutboundQueue>? _queueFactory;
    private Func<MailServerContext, Delivery.IDeliveryFilter>? _filterFactory;
    private ILoggerFactory? _loggerFactory;
    private TimeProvider? _timeProvider;

    /// <summary>The shared options.</summary>
    public MailServerOptions Options { get; } = new();

    /// <summary>The listeners added so far.</summary>
    internal IReadOnlyList<ListenerDefinition> Listeners => _listeners;

    /// <summary>Changes the shared options.</summary>
    /// <param name="configure">The change.</param>
    /// <returns>This builder.</returns>
    public MailServerBuilder Configure(Action<MailServerOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        configure(Options);
        return this;
    }

    /// <summary>Uses a message store.</summary>
    /// <param name="store">Replaces any store set before. The caller keeps ownership: the server does not dispose it.</param>
    /// <returns>This builder.</returns>
    public MailServerBuilder UseStore(IMessageStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = _ => store;
        return this;
    }

    /// <summary>Uses a message store made from the DI container.</summary>
    /// <param name="factory">Makes the store.</param>
    /// <returns>This builder.</returns>
    public MailServerBuilder UseStore(Func<IServiceProvider, IMessageStore> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        _store = sp => factory(sp ?? throw new InvalidOperationException("This store factory needs a service provider."));
        return this;
    }

    /// <summary>Uses a user directory.</summary>
    /// <param name="directory">Replaces any directory set before; the caller keeps ownership.</param>
    /// <returns>This builder.</returns>
    public MailServerBuilder UseDirectory(IUserDirectory directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        _directory = _ => directory;
        return this;
    }

    /// <summary>Uses a DNS resolver.</summary>
    /// <param name="resolver">Replaces any resolver set before; the caller keeps ownership.</param>
    /// <returns>This builder.</returns>
    public MailServerBuilder UseDnsResolver(IDnsResolver resolver)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        _dns = _ => resolver;
        return this;
    }

    /// <summary>Uses a delivery policy.</summary>
    /// <param name="policy">Replaces any policy set before; the caller keeps ownership.</param>
    /// <returns>This builder.</returns>
    public MailServerBuilder UsePolicy(IDeliveryPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        _policy = _ => policy;
        return this;
    }

    /// <summary>Uses an outbound queue for remote recipients (without one, relaying is refused).</summary>
    /// <param name="queue">Replaces any queue or queue factory set before; the caller keeps ownership.</param>
    /// <returns>This builder.</returns>
    public MailServerBuilder UseOutboundQueue(Delivery.IOutboundQueue queue)
    {
        ArgumentNullException.ThrowIfNull(queue);
        _queue = _ => queue;
        _queueFactory = null;
        return this;
    }

    /// <summary>
    /// Uses an outbound queue made from the server's context (its store, directory, DNS resolver, clock and logging).
    /// A queue that is also an <see cref="IMailServerComponent"/> is started and stopped with the server.
    /// </summary>
    /// <param name="factory">Makes the queue.</param>
    /// <returns>This builder.</returns>
    internal MailServerBuilder UseOutboundQueue(Func<MailServerContext, Delivery.IOutboundQueue> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        _queueFactory = factory;
        _queue = null;
        return this;
    }

    /// <summary>Uses a delivery filter (such as Sieve) made from the server's context; it decides each local user's copies.</summary>
    /// <param name="factory">Makes the filter.</param>
    /// <returns>This builder.</returns>
    internal MailServerBuilder UseDeliveryFilter(Func<MailServerContext, Delivery.IDeliveryFilter> factory)
    {
        _filterFactory = factory ?? throw new ArgumentNullException(nameof(factory));
        return this;
    }

    /// <summary>Uses a logger factory (without DI; with DI the container's is used).</summary>
    /// <param name="loggerFactory">The factory.</param>
    /// <returns>This builder.</returns>
    public MailServerBuilder UseLoggerFactory(ILoggerFactory loggerFactory)
    {
        _loggerFactory = loggerFactory ?? throw new ArgumentNullException(nameof(loggerFactory));
        return this;
    }

    /// <summary>Uses a clock for time-outs and schedules (tests pass a fake one).</summary>
    /// <param name="timeProvider">The clock.</param>
    /// <returns>This builder.</returns>
    public MailServerBuilder UseTimeProvider(TimeProvider timeProvider)
    {
        _timeProvider = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
        return this;
    }

    /// <summary>Adds a listener; engine packages call this from their <c>Add...</c> extensions.</summary>
    /// <returns>This builder.</returns>
    internal MailServerBuilder AddListener(ListenerDefinition listener)
    {
        ArgumentNullException.ThrowIfNull(listener);
        if (_listeners.Exists(l => string.Equals(l.Name, listener.Name, StringComparison.OrdinalIgnoreCase)))
        {
            throw new ArgumentException($"A listener named '{listener.Name}' was already added.", nameof(listener));
        }

        _listeners.Add(listener);
        return this;
    }

    /// <summary>Validates the options and makes the server (not started).</summary>
    /// <param name="services">The DI container to take seams, logging, clock and meters from, or <see langword="null"/>.</param>
    /// <returns>The server.</returns>
    /// <exception cref="MailServerOptionsException">An option is invalid; the message names it.</exception>
    public MailServer Build(IServiceProvider? services = null)
    {
        var problems = Options.Validate().Concat(_listeners.SelectMany(l => l.Validate?.Invoke() ?? [])).ToList();
        if (_listeners.Count == 0)
        {
            problems.Add("No listener was added: call AddSmtp, AddPop3 or AddImap on the builder.");
        }

        if (problems.Count > 0)
        {
            throw new MailServerOptionsException(problems);
        }

        var directory = _directory?.Invoke(services) ?? services?.GetService<IUserDirectory>() ?? new InMemoryUserDirectory();
        var context = new MailServerContext(
            Options,
            _store?.Invoke(services) ?? services?.GetService<IMessageStore>()
                ?? new InMemoryMessageStore(new InMemoryMessageStoreOptions { QuotaDirectory = directory as IQuotaUserDirectory }, _timeProvider),
            directory,
            _dns?.Invoke(services) ?? services?.GetService<IDnsResolver>() ?? new Dns.DnsClientResolver(),
            _policy?.Invoke(services) ?? services?.GetService<IDeliveryPolicy>() ?? new DeliveryPolicy(),
            _loggerFactory ?? services?.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance,
            _timeProvider ?? services?.GetService<TimeProvider>() ?? TimeProvider.System,
            new MailServerMetrics(services?.GetService<System.Diagnostics.Metrics.IMeterFactory>()),
            _queue?.Invoke(services) ?? services?.GetService<Delivery.IOutboundQueue>(),
            services);
        if (_queueFactory is not null)
        {
            context.OutboundQueue = _queueFactory(context);
        }

        if (_filterFactory is not null)
        {
            context.DeliveryFilter = _filterFactory(context);
        }

        return new MailServer(context, _listeners.ToArray());
    }

    /// <summary>Builds and starts the server.</summary>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running server; dispose it to stop.</returns>
    public async Task<MailServer> StartAsync(CancellationToken cancellationToken = default)
    {
        var server = Build();
        await server.StartAsync(cancellationToken).ConfigureAwait(false);
        return server;
    }
}
