using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using MailKitServer.Imap;
using MailKitServer.Policy;
using MailKitServer.Pop3;
using MailKitServer.Runtime;
using MailKitServer.Smtp;
using MailKitServer.Storage;
using MailKitServer.Storage.InMemory;
using MailKitServer.Testing.Capture;
using MailKitServer.Testing.Faults;
using MailKitServer.Web;
using MailKitServer.Users.InMemory;

namespace MailKitServer.Testing;

/// <summary>
/// A real mail server for one test (or one test class): SMTP, submission, SMTPS, POP3 and IMAP on free loopback
/// ports, users in one call, every accepted message captured and parsed, faults on demand. Nothing is shared
/// between sandboxes, so tests run in parallel.
/// <code>
/// await using var mail = await MailSandbox.StartAsync();
/// // ... the code under test sends to mail.Host:mail.SmtpPort ...
/// var message = await mail.WaitForMessageAsync(m => m.EnvelopeRecipients.Contains("bob@example.test"));
/// Assert.Contains("reset your password", message.TextBody);
/// </code>
/// </summary>
public sealed class MailSandbox : IAsyncDisposable
{
    private readonly List<ReceivedMessage> _messages = [];
    private readonly List<(Func<ReceivedMessage, bool> Predicate, TaskCompletionSource<ReceivedMessage> Waiter)> _waiters = [];
    private readonly InMemoryUserDirectory _users;
    private readonly HashSet<string> _mailboxOwners = new(StringComparer.OrdinalIgnoreCase);

    private MailSandbox(MailServer server, InMemoryUserDirectory users, IMessageStore store, FaultInjector faults)
    {
        Server = server;
        _users = users;
        Store = store;
        Faults = faults;
    }

    /// <summary>The running server (its context, endpoints and metrics).</summary>
    public MailServer Server { get; }

    /// <summary>The store behind the sandbox (what IMAP and POP3 read).</summary>
    public IMessageStore Store { get; }

    /// <summary>Faults to arm: refuse, delay, drop, drop after storing, greylist.</summary>
    public FaultInjector Faults { get; }

    /// <summary>The address every listener is bound to: 127.0.0.1.</summary>
    public string Host => "127.0.0.1";

    /// <summary>The SMTP port (no AUTH needed; STARTTLS offered).</summary>
    public int SmtpPort => Port("smtp");

    /// <summary>The submission port (AUTH; STARTTLS offered).</summary>
    public int SubmissionPort => Port("submission");

    /// <summary>The SMTPS port (implicit TLS).</summary>
    public int SmtpsPort => Port("smtps");

    /// <summary>The POP3 port.</summary>
    public int Pop3Port => Port("pop3");

    /// <summary>The POP3S port.</summary>
    public int Pop3sPort => Port("pop3s");

    /// <summary>The IMAP port.</summary>
    public int ImapPort => Port("imap");

    /// <summary>The IMAPS port.</summary>
    public int ImapsPort => Port("imaps");

    /// <summary>The endpoint of a listener: smtp, submission, smtps, pop3, pop3s, imap or imaps.</summary>
    /// <param name="name">The listener.</param>
    /// <returns>Its bound endpoint.</returns>
    public IPEndPoint EndPoint(string name) => Server.GetEndpoint(name).EndPoint;

    /// <summary>The TLS certificate the sandbox presents (generated for the test run unless one was configured).</summary>
    public X509Certificate2 Certificate => Server.Context.Certificate;

    /// <summary>Its SHA-1 thumbprint, for clients that pin certificates.</summary>
    public string CertificateThumbprint => Certificate.Thumbprint;

    /// <summary>A validation callback that trusts exactly the sandbox's certificate (for SslStream, HttpClient-style APIs).</summary>
    public RemoteCertificateValidationCallback TrustSandboxCertificate =>
        (_, certificate, _, errors) => errors == SslPolicyErrors.None || (certificate is not null && certificate.GetCertHashString() == CertificateThumbprint);

    /// <summary>Every message accepted so far, in order of arrival.</summary>
    public IReadOnlyList<ReceivedMessage> Messages
    {
        get
        {
            lock (_messages)
            {
                return _messages.ToArray();
            }
        }
    }

    /// <summary>Starts a sandbox on free loopback ports.</summary>
    /// <param name="configure">Changes the options.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running sandbox; dispose it to stop.</returns>
    public static async Task<MailSandbox> StartAsync(Action<MailSandboxOptions>? configure = null, CancellationToken cancellationToken = default)
    {
        var options = new MailSandboxOptions();
        configure?.Invoke(options);
        var users = new InMemoryUserDirectory(new InMemoryUserDirectoryOptions { PasswordIterations = 4096 });
        foreach (var (address, password) in options.Users)
        {
            users.AddUser(address, password);
        }

        var time = options.TimeProvider ?? TimeProvider.System;
        var inner = options.Store ?? new InMemoryMessageStore(timeProvider: time);
        MailSandbox? sandbox = null;
        var faults = new FaultInjector(new DeliveryPolicy());
        var store = new CapturingMessageStore(inner, time, m => sandbox!.OnReceived(m), faults.AfterStoring);
        var builder = MailServer.CreateBuilder()
            .UseStore(store)
            .UseDirectory(new SandboxDirectory(users, options.AcceptAllRecipients))
            .UsePolicy(faults)
            .UseTimeProvider(time)
            .Configure(o =>
            {
                o.ServerName = options.ServerName;
                o.AllowInsecureAuthentication = options.AllowInsecureAuthentication;
            });
        if (options.LoggerFactory is not null)
        {
            builder.UseLoggerFactory(options.LoggerFactory);
        }

        void Smtp(SmtpOptions o) => o.MaxMessageSize = options.MaxMessageSize;
        var p = options.Protocols;
        var loopback = IPAddress.Loopback;
        if (p.HasFlag(SandboxProtocols.Smtp))
        {
            builder.AddSmtp("smtp", new IPEndPoint(loopback, 0), SmtpRole.Mta, TlsMode.None, Smtp);
        }

        if (p.HasFlag(SandboxProtocols.Submission))
        {
            builder.AddSmtp("submission", new IPEndPoint(loopback, 0), SmtpRole.Submission, TlsMode.None, Smtp);
        }

        if (p.HasFlag(SandboxProtocols.Smtps))
        {
            builder.AddSmtp("smtps", new IPEndPoint(loopback, 0), SmtpRole.Submission, TlsMode.Implicit, Smtp);
        }

        if (p.HasFlag(SandboxProtocols.Pop3))
        {
            builder.AddPop3("pop3", new IPEndPoint(loopback, 0), TlsMode.None);
        }

        if (p.HasFlag(SandboxProtocols.Pop3s))
        {
            builder.AddPop3("pop3s", new IPEndPoint(loopback, 0), TlsMode.Implicit);
        }

        if (p.HasFlag(SandboxProtocols.Imap))
        {
            builder.AddImap("imap", new IPEndPoint(loopback, 0), TlsMode.None);
        }

        if (p.HasFlag(SandboxProtocols.Imaps))
        {
            builder.AddImap("imaps", new IPEndPoint(loopback, 0), TlsMode.Implicit);
        }

        var server = await builder.StartAsync(cancellationToken).ConfigureAwait(false);
        sandbox = new MailSandbox(server, users, inner, faults);
        return sandbox;
    }

    /// <summary>Creates (or replaces) a user who can log in over SMTP AUTH, POP3 and IMAP; mail already received for the address is theirs.</summary>
    /// <param name="address">The address, which is also the login name.</param>
    /// <param name="password">Any text; the sandbox keeps only keys derived from it, not the password.</param>
    /// <returns>This sandbox.</returns>
    public MailSandbox AddUser(string address, string password)
    {
        var id = _users.AddUser(address, password);
        lock (_mailboxOwners)
        {
            _mailboxOwners.Add(id);
        }

        return this;
    }

    /// <summary>
    /// Starts the web inbox and HTTP API (MailKitServer.Web) for this sandbox on loopback: every mailbox the sandbox
    /// knows (its users and every address that received mail), and the faults over HTTP at <c>/api/v1/faults</c>
    /// (<c>GET</c> lists them, <c>POST</c> arms one, <c>DELETE</c> disarms all). Dispose the host to stop it.
    /// </summary>
    /// <param name="port">The port; 0 (the default) for a free one.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running web host (its <see cref="MailWebHost.BaseAddress"/> is what to open).</returns>
    public Task<MailWebHost> StartWebAsync(int port = 0, CancellationToken cancellationToken = default) =>
        MailWebHost.StartAsync(Server, new IPEndPoint(IPAddress.Loopback, port), new MailWebOptions
        {
            Users = MailboxOwners,
            MoreApi = api => FaultEndpoints.Map(api, Faults),
        }, cancellationToken);

    /// <summary>Every account that may hold mail: the users, preloaded mailboxes, and every recipient so far.</summary>
    private HashSet<string> MailboxOwners()
    {
        HashSet<string> owners;
        lock (_mailboxOwners)
        {
            owners = new HashSet<string>(_mailboxOwners, StringComparer.OrdinalIgnoreCase);
        }

        lock (_messages)
        {
            owners.UnionWith(_messages.SelectMany(m => m.EnvelopeRecipients));
        }

        return owners;
    }

    /// <summary>Waits for the first message (received before or after the call) that matches.</summary>
    /// <param name="predicate">The match; null for any message.</param>
    /// <param name="timeout">How long to wait (default 10 s).</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The message.</returns>
    /// <exception cref="TimeoutException">No message matched in time; the message lists what did arrive.</exception>
    public async Task<ReceivedMessage> WaitForMessageAsync(Func<ReceivedMessage, bool>? predicate = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        predicate ??= _ => true;
        var waiter = new TaskCompletionSource<ReceivedMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_messages)
        {
            if (_messages.FirstOrDefault(predicate) is { } found)
            {
                return found;
            }

            _waiters.Add((predicate, waiter));
        }

        var limit = timeout ?? TimeSpan.FromSeconds(10);
        try
        {
            return await waiter.Task.WaitAsync(limit, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"No matching message arrived within {limit.TotalSeconds:0.#} s. Received: {Describe()}");
        }
        finally
        {
            lock (_messages)
            {
                _waiters.RemoveAll(w => w.Waiter == waiter);
            }
        }
    }

    /// <summary>Waits until at least <paramref name="count"/> matching messages have arrived.</summary>
    /// <param name="count">How many.</param>
    /// <param name="predicate">The match; null for any message.</param>
    /// <param name="timeout">How long to wait (default 10 s).</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The first <paramref name="count"/> matching messages.</returns>
    public async Task<IReadOnlyList<ReceivedMessage>> WaitForMessagesAsync(int count, Func<ReceivedMessage, bool>? predicate = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        predicate ??= _ => true;
        var limit = timeout ?? TimeSpan.FromSeconds(10);
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            var matching = Messages.Where(predicate).ToList();
            if (matching.Count >= count)
            {
                return matching.Take(count).ToList();
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"{matching.Count} of {count} matching messages arrived within {limit.TotalSeconds:0.#} s. Received: {Describe()}");
            }

            // Woken by the next arrival, or polls again shortly.
            try
            {
                await WaitForMessageAsync(m => m.Sequence > (Messages.LastOrDefault()?.Sequence ?? 0), deadline - DateTime.UtcNow, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
            }
        }
    }

    /// <summary>Puts a message into a user's mailbox as if it had been delivered (an .eml file's content, say).</summary>
    /// <param name="address">The owner (a user, or any address when all recipients are accepted).</param>
    /// <param name="message">The message octets.</param>
    /// <param name="mailbox">The mailbox, INBOX by default (created if missing).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the message is stored.</returns>
    public async Task PreloadAsync(string address, Stream message, string mailbox = "INBOX", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(message);
        var owner = address.ToLowerInvariant();
        lock (_mailboxOwners)
        {
            _mailboxOwners.Add(owner);
        }

        var account = await Store.OpenAccountAsync(owner, cancellationToken).ConfigureAwait(false);
        await using (account.ConfigureAwait(false))
        {
            if (!mailbox.Equals("INBOX", StringComparison.OrdinalIgnoreCase))
            {
                await account.CreateAsync(mailbox, MailboxRole.None, cancellationToken).ConfigureAwait(false);
            }

            var result = await account.AppendAsync(mailbox, message, SystemFlags.None, [], null, cancellationToken).ConfigureAwait(false);
            if (result.Status != StoreStatus.Success)
            {
                throw new InvalidOperationException($"Preloading into {address}/{mailbox} failed: {result.Status} {result.Message}");
            }
        }
    }

    /// <summary>Preloads an .eml file.</summary>
    /// <param name="address">The owner.</param>
    /// <param name="path">The file.</param>
    /// <param name="mailbox">The owner's mailbox to store it in, "/" between levels.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the message is stored.</returns>
    public async Task PreloadFileAsync(string address, string path, string mailbox = "INBOX", CancellationToken cancellationToken = default)
    {
        await using var file = File.OpenRead(path);
        await PreloadAsync(address, file, mailbox, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Forgets the captured messages and deletes every stored message of every known mailbox owner.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the mailboxes are empty.</returns>
    public async Task PurgeAsync(CancellationToken cancellationToken = default)
    {
        string[] owners;
        lock (_messages)
        {
            foreach (var m in _messages)
            {
                _mailboxOwners.UnionWith(m.EnvelopeRecipients);
            }

            _messages.Clear();
        }

        lock (_mailboxOwners)
        {
            owners = [.. _mailboxOwners];
        }

        foreach (var owner in owners)
        {
            var account = await Store.OpenAccountAsync(owner, cancellationToken).ConfigureAwait(false);
            await using (account.ConfigureAwait(false))
            {
                foreach (var box in await account.ListAsync(cancellationToken).ConfigureAwait(false))
                {
                    var view = await account.OpenAsync(box.Name, readOnly: false, cancellationToken).ConfigureAwait(false);
                    if (view is null)
                    {
                        continue;
                    }

                    await using (view.ConfigureAwait(false))
                    {
                        if (view.Messages.Count > 0)
                        {
                            await view.RemoveAsync(UidSet.FromUids(view.Messages.Select(m => m.Uid)), cancellationToken).ConfigureAwait(false);
                        }
                    }
                }
            }
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => Server.DisposeAsync();

    private int Port(string name) => Server.GetEndpoint(name).EndPoint.Port;

    private void OnReceived(ReceivedMessage message)
    {
        List<TaskCompletionSource<ReceivedMessage>> done = [];
        lock (_messages)
        {
            _messages.Add(message);
            foreach (var (predicate, waiter) in _waiters)
            {
                if (predicate(message))
                {
                    done.Add(waiter);
                }
            }
        }

        foreach (var waiter in done)
        {
            waiter.TrySetResult(message);
        }
    }

    private string Describe()
    {
        var messages = Messages;
        return messages.Count == 0
            ? "nothing"
            : string.Join("; ", messages.Select(m => $"#{m.Sequence} from <{m.EnvelopeSender}> to {string.Join(",", m.EnvelopeRecipients)} \"{m.Subject}\""));
    }
}
