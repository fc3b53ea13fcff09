using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using MailKitServer.Diagnostics;
using MailKitServer.Users;
using MailKitServer.Dns;
using MailKitServer.Policy;
using MailKitServer.Storage;
using Microsoft.Extensions.Logging;

namespace MailKitServer.Runtime;

/// <summary>The services of a running server, as protocol engines see them (they speak to the domain seams only).</summary>
internal sealed class MailServerContext
{
    private readonly Lazy<SslStreamCertificateContext> _certificateContext;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Type, object> _shared = new();

    internal MailServerContext(
        MailServerOptions options,
        IMessageStore store,
        IUserDirectory directory,
        IDnsResolver dns,
        IDeliveryPolicy policy,
        ILoggerFactory loggerFactory,
        TimeProvider timeProvider,
        MailServerMetrics metrics,
        Delivery.IOutboundQueue? outboundQueue,
        IServiceProvider? services)
    {
        Options = options;
        Store = store;
        Directory = directory;
        Dns = dns;
        Policy = policy;
        LoggerFactory = loggerFactory;
        TimeProvider = timeProvider;
        Metrics = metrics;
        Services = services;
        OutboundQueue = outboundQueue;
        AuthThrottle = new AuthThrottle(options, timeProvider, loggerFactory.CreateLogger("MailKitServer.Auth"));
        _certificateContext = new Lazy<SslStreamCertificateContext>(() => SslStreamCertificateContext.Create(Certificate, additionalCertificates: null, offline: true));
    }

    /// <summary>The shared options.</summary>
    public MailServerOptions Options { get; }

    /// <summary>The message store.</summary>
    public IMessageStore Store { get; }

    /// <summary>The user directory.</summary>
    public IUserDirectory Directory { get; }

    /// <summary>The DNS resolver.</summary>
    public IDnsResolver Dns { get; }

    /// <summary>The delivery policy.</summary>
    public IDeliveryPolicy Policy { get; }

    /// <summary>The logger factory.</summary>
    public ILoggerFactory LoggerFactory { get; }

    /// <summary>The clock every time-out and schedule runs on.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>The metrics instruments.</summary>
    public MailServerMetrics Metrics { get; }

    /// <summary>The failed-authentication throttle shared by all protocols.</summary>
    public AuthThrottle AuthThrottle { get; }

    /// <summary>The outbound queue for remote recipients, or <see langword="null"/> when the server does not relay.</summary>
    public Delivery.IOutboundQueue? OutboundQueue { get; internal set; }

    /// <summary>The filter that decides each local user's copies at final delivery (Sieve), or <see langword="null"/>.</summary>
    public Delivery.IDeliveryFilter? DeliveryFilter { get; internal set; }

    /// <summary>The DI container the server was built from, if any.</summary>
    public IServiceProvider? Services { get; }

    /// <summary>The TLS certificate: the configured one, or the generated development certificate.</summary>
    public X509Certificate2 Certificate => Options.Certificate ?? Tls.DevelopmentCertificate.Instance;

    /// <summary>The certificate prepared for <see cref="SslStream"/>.</summary>
    public SslStreamCertificateContext CertificateContext => _certificateContext.Value;

    /// <summary>
    /// The one instance of <typeparamref name="T"/> that lives as long as this server and is shared by all its
    /// listeners (e.g. IMAP's \Recent claims for port 143 and 993, POP3's LOGIN-DELAY record for 110 and 995).
    /// Protocol packages keep such state here rather than in static tables keyed by the server.
    /// </summary>
    public T Shared<T>() where T : class, new() => (T)_shared.GetOrAdd(typeof(T), static _ => new T());
}
