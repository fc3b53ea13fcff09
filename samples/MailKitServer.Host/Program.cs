using System.Net;
using System.Runtime.InteropServices;
using MailKitServer.Smtp.Outbound.Queue;
using MailKitServer.Dns;
using MailKitServer.Users.InMemory;
using MailKitServer.Host;
using MailKitServer.Imap;
using MailKitServer.Policy;
using MailKitServer.Pop3;
using MailKitServer.Runtime;
using MailKitServer.Runtime.Tls;
using MailKitServer.Sieve;
using MailKitServer.Sieve.PostgreSql;
using MailKitServer.Sieve.Scripts;
using MailKitServer.Smtp;
using MailKitServer.Smtp.Outbound;
using MailKitServer.Smtp.Screening.Greylisting;
using MailKitServer.Smtp.SenderAuth;
using MailKitServer.Smtp.SenderAuth.Signing;
using MailKitServer.Storage;
using MailKitServer.Storage.InMemory;
using MailKitServer.Storage.Maildir;
using MailKitServer.Storage.PostgreSql;
using MailKitServer.Storage.PostgreSql.Screening;
using MailKitServer.Users;
using MailKitServer.Web;
using Microsoft.Extensions.Logging;

// Socket continuations run on the socket engine's thread instead of hopping to the thread pool after every read:
// about +30% SMTP intake on 2 cores (BENCHMARKS.md, issue 24). The engines move blocking and long work (delivery,
// AUTH, TLS handshakes, every IMAP/POP3/ManageSieve command) to the thread pool first. Must be set before the first
// socket; an explicit DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=0 in the environment turns it off.
const string InlineCompletions = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";
if (Environment.GetEnvironmentVariable(InlineCompletions) is null)
{
    Environment.SetEnvironmentVariable(InlineCompletions, "1");
}

// With inline completions the runtime starts one socket engine thread per core. On two cores or fewer, one engine
// serves every connection with fewer wake-ups (each engine thread otherwise sleeps in epoll_wait between events: 0.6-0.8
// context switches per message on reused SMTP connections, against 0.03 for Postfix's one-threaded smtp-sink). Quiet,
// interleaved, 2 cores (2026-11-30): 20 SMTP sessions of 10 KB messages +8% to +26% msg/s with less CPU per message
// in every pair; the price is large messages, whose copying then shares one thread: 1 MiB messages, 10 sessions, -7%
// to -32% (BENCHMARKS.md, issue 24). Larger machines keep the runtime's default (not measured there); an explicit
// DOTNET_SYSTEM_NET_SOCKETS_THREAD_COUNT in the environment wins (2 restores the default here).
const string SocketThreads = "DOTNET_SYSTEM_NET_SOCKETS_THREAD_COUNT";
if (Environment.GetEnvironmentVariable(SocketThreads) is null && Environment.ProcessorCount <= 2)
{
    Environment.SetEnvironmentVariable(SocketThreads, "1");
}

HostOptions options;
try
{
    options = HostOptions.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine($"error: {ex.Message}");
    return 2;
}

if (options.ShowHelp)
{
    Console.WriteLine(HostOptions.Usage);
    return 0;
}

if (options.ListQueue)
{
    var kind = options.Store.Split(':', 2);
    if (kind[0] != "maildir" || kind.Length != 2)
    {
        Console.Error.WriteLine("error: queue: only a Maildir store keeps its queue on disk (--store maildir:PATH).");
        return 2;
    }

    return await QueueListing.RunAsync(Path.Combine(Path.GetFullPath(kind[1]), ".queue"));
}

if (options.PrintDnsRecords)
{
    Console.Write(DnsRecords.For(options));
    return 0;
}

if (!Enum.TryParse<LogLevel>(options.LogLevel, ignoreCase: true, out var level))
{
    Console.Error.WriteLine($"error: --log-level: '{options.LogLevel}' is not a log level.");
    return 2;
}

// SIGTERM and SIGINT stop the host cleanly. The handlers are in place before anything is started or "ready" is
// printed: a supervisor that stops the host the instant it is ready must not get the runtime's default (exit 143).
var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
void OnSignal(PosixSignalContext context)
{
    context.Cancel = true;
    stop.TrySetResult();
}

using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);

using var loggerFactory = LoggerFactory.Create(b => b.AddSimpleConsole(c => c.SingleLine = true).SetMinimumLevel(level));

IMessageStore store;
PostgresMailDatabase? database = null;
// The directory of the memory and Maildir stores (seeded below); their per-user quotas (--quota) come from it.
var memoryDirectory = new InMemoryUserDirectory();
var storeKind = options.Store.Split(':', 2);
switch (storeKind[0].ToLowerInvariant())
{
    case "memory":
        store = new InMemoryMessageStore(new InMemoryMessageStoreOptions { QuotaDirectory = memoryDirectory });
        break;
    case "maildir" when storeKind.Length == 2 && storeKind[1].Length > 0:
        try
        {
            store = new MaildirMessageStore(new MaildirStoreOptions { Root = storeKind[1], LoggerFactory = loggerFactory, QuotaDirectory = memoryDirectory });
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: --store {options.Store}: {ex.Message}");
            return 2;
        }

        Console.WriteLine($"store maildir {((MaildirMessageStore)store).Root}");
        break;
    case "postgres" when storeKind.Length == 2 && storeKind[1].Length > 0:
        try
        {
            // Store, directory and outbound queue in one database that every node of the organisation shares.
            database = await PostgresMailDatabase.OpenAsync(new PostgresStoreOptions { ConnectionString = storeKind[1] }, loggerFactory);
        }
        catch (MailServerOptionsException ex)
        {
            Console.Error.WriteLine($"error: --store postgres: {ex.Message}");
            return 2;
        }

        store = database.MessageStore;
        Console.WriteLine($"store postgres schema {PostgresMailDatabase.SchemaVersion} (found {database.SchemaVersionFound})");
        break;
    default:
        Console.Error.WriteLine($"error: --store: '{options.Store}' is not maildir:PATH, memory or postgres:CONNSTRING.");
        return 2;
}

// Outbound delivery: DNS (the --dns server or /etc/resolv.conf), and a queue kept next to the Maildir store.
var dnsOptions = new DnsResolverOptions();
if (options.Dns is not null)
{
    if (!IPEndPoint.TryParse(options.Dns, out var dnsServer))
    {
        Console.Error.WriteLine($"error: --dns: '{options.Dns}' is not ADDR or ADDR:PORT.");
        return 2;
    }

    dnsOptions.Servers.Add(dnsServer.Port == 0 ? new IPEndPoint(dnsServer.Address, 53) : dnsServer);
}

IQueueStore queueStore = database is not null ? database.QueueStore
    : store is MaildirMessageStore maildir ? new FileQueueStore(Path.Combine(maildir.Root, ".queue")) : new InMemoryQueueStore();
Console.WriteLine(queueStore switch
{
    FileQueueStore files => $"queue {files.DirectoryPath}",
    InMemoryQueueStore => "queue memory",
    _ => "queue postgres",
});

IUserDirectory directory;
try
{
    // --domain, --user and --alias seed the directory: in memory, or the shared one in PostgreSQL (where users that
    // other nodes added stay).
    var memory = database is null ? memoryDirectory : null;
    directory = (IUserDirectory?)memory ?? database!.Directory;
    foreach (var domain in options.Domains)
    {
        if (memory is not null)
        {
            memory.AddDomain(domain);
        }
        else
        {
            await database!.Directory.AddDomainAsync(domain);
        }
    }

    if (memory is null && options.Quotas.Keys.FirstOrDefault(a => !options.Users.Exists(u => string.Equals(u.Address, a, StringComparison.OrdinalIgnoreCase))) is { } unseeded)
    {
        throw new ArgumentException($"--quota {unseeded}: with --store postgres a quota is stored with its --user.");
    }

    foreach (var (address, password) in options.Users)
    {
        var quota = options.Quotas.GetValueOrDefault(address);
        if (memory is not null)
        {
            memory.AddUser(address, password);
        }
        else
        {
            await database!.Directory.AddUserAsync(address, password, quota?.StorageLimitBytes, quota?.MessageLimit);
        }

        // A password given with --user is the operator's secret: only the generated demo user's is shown.
        Console.WriteLine(options.IsDemoUser(address) ? $"user {address} password {password}" : $"user {address}");
    }

    foreach (var (address, quota) in options.Quotas)
    {
        memory?.SetQuota(address, quota);
        Console.WriteLine($"quota {address} storage {quota.StorageLimitBytes?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"} messages {quota.MessageLimit?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}");
    }

    foreach (var (address, targets) in options.Aliases)
    {
        if (memory is not null)
        {
            memory.AddAlias(address, targets);
        }
        else
        {
            await database!.Directory.AddAliasAsync(address, targets);
        }

        Console.WriteLine($"alias {address} -> {string.Join(",", targets)}");
    }
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine($"error: {ex.Message}");
    return 2;
}

var builder = MailServer.CreateBuilder()
    .UseLoggerFactory(loggerFactory)
    .UseDirectory(directory)
    .UseStore(store)
    .UseDnsResolver(new DnsClientResolver(dnsOptions, loggerFactory.CreateLogger("MailKitServer.Dns")))
    .AddOutboundDelivery(
        o =>
        {
            o.RemotePort = options.RelayPort ?? 25;
            o.SmartHost = options.SmartHost;
            (o.SmartHostUserName, o.SmartHostPassword) = options.SmartHostAuth is { } auth ? (auth.User, auth.Password) : (null, null);
            if (options.RetrySchedule.Count > 0)
            {
                o.RetrySchedule.Clear();
                foreach (var delay in options.RetrySchedule)
                {
                    o.RetrySchedule.Add(delay);
                }
            }

            o.QueueLifetime = options.QueueLifetime ?? o.QueueLifetime;
            o.DelayNoticeAfter = options.DelayNotice ?? o.DelayNoticeAfter;
        },
        queueStore)
    .Configure(o =>
    {
        o.AllowInsecureAuthentication = options.InsecureAuth;
        o.MaxConnections = options.MaxConnections ?? o.MaxConnections;
        o.MaxConnectionsPerAddress = options.MaxConnectionsPerAddress ?? o.MaxConnectionsPerAddress;
        o.ServerName = options.Domains[0];
        if (options.CertificatePath is not null)
        {
            o.Certificate = DevelopmentCertificate.LoadPfx(options.CertificatePath, options.CertificatePassword);
        }
    });

void Add(string name, Action<IPEndPoint> add)
{
    if (options.Ports[name] >= 0)
    {
        add(new IPEndPoint(options.Bind, options.Ports[name]));
    }
}

// Sender authentication: inbound checks on the MTA port, DKIM signing on the submission ports.
var dkimKeys = new List<DkimSigningKey>();
try
{
    foreach (var (domain, selector, keyFile) in options.DkimKeys)
    {
        dkimKeys.Add(DkimSigningKey.Load(domain, selector, keyFile));
        Console.WriteLine($"dkim {domain} selector {selector} {dkimKeys[^1].Algorithm}");
    }
}
catch (Exception ex) when (ex is ArgumentException or IOException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"error: --dkim-key: {ex.Message}");
    return 2;
}

// Client screening: lists and greylisting judge unauthenticated clients (port 25); the rate limits count those by
// address and authenticated users on every SMTP port, with one set of counters.
// Greylisting keeps its records with the store: beside the Maildir, in the shared database, or in memory.
var screening = options.Screening.Build(() => store is MaildirMessageStore greylistRoot ? new FileGreylistStore(Path.Combine(greylistRoot.Root, ".greylist"))
    : database is not null ? new PostgresGreylistStore(database)
    : new InMemoryGreylistStore());
if (screening?.Greylisting is { } greylisting)
{
    Console.WriteLine(greylisting.Store switch
    {
        FileGreylistStore file => $"greylist {file.FilePath}",
        PostgresGreylistStore => "greylist postgres",
        _ => "greylist memory",
    });
}

void Submission(SmtpOptions o)
{
    o.Screening = screening?.RateLimits is not null ? screening : null;
    foreach (var milter in options.Milters)
    {
        o.Milters.Add(milter);
    }

    foreach (var key in dkimKeys)
    {
        o.DkimSigningKeys.Add(key);
    }
}

// On port 25 the keys seal what the server forwards (aliases, Sieve redirects) with ARC once the sender checks are on.
Add("smtp", ep => builder.AddSmtp("smtp", ep, SmtpRole.Mta, configure: o =>
{
    o.SenderAuthentication = options.CheckSenders
        ? new SenderAuthOptions { AuthServId = options.AuthServId, DmarcAction = Enum.Parse<DmarcAction>(options.DmarcAction ?? "reject", ignoreCase: true) }
        : null;
    Submission(o);
    o.Screening = screening;
}));
Add("submission", ep => builder.AddSmtp("submission", ep, SmtpRole.Submission, configure: Submission));
Add("smtps", ep => builder.AddSmtp("smtps", ep, SmtpRole.Submission, TlsMode.Implicit, Submission));
Add("pop3", ep => builder.AddPop3("pop3", ep, TlsMode.None));
Add("pop3s", ep => builder.AddPop3("pop3s", ep, TlsMode.Implicit));
// IMAP users filing mail into Junk and out of it train rspamd, when asked to.
using var rspamdHttp = options.RspamdLearn is null ? null : new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
IJunkTrainer? junkTrainer = options.RspamdLearn is { } learn ? new RspamdJunkTrainer(rspamdHttp!, learn.Controller, learn.Password) : null;
Add("imap", ep => builder.AddImap("imap", ep, TlsMode.None, o => o.JunkTrainer = junkTrainer));
Add("imaps", ep => builder.AddImap("imaps", ep, TlsMode.Implicit, o => o.JunkTrainer = junkTrainer));

// Sieve at final delivery; scripts beside the Maildir in Dovecot's layout, in the shared database with PostgreSQL
// (so every node runs them), in memory with the memory store.
ISieveScriptStore scripts = store is MaildirMessageStore sieveRoot ? new MaildirSieveScriptStore(sieveRoot.Root)
    : database is not null ? new PostgresSieveScriptStore(database)
    : new InMemorySieveScriptStore();
builder.AddSieve(o =>
{
    o.ScriptStore = scripts;
    Add("managesieve", ep => o.ManageSieveEndPoint = ep);
});

MailServer server;
try
{
    server = await builder.StartAsync();
}
catch (Exception ex) when (ex is MailServerOptionsException or IOException or System.Security.Cryptography.CryptographicException)
{
    Console.Error.WriteLine($"error: {ex.Message}");
    return 1;
}

// The web inbox, HTTP API, /metrics and autoconfiguration, on the same address.
MailWebHost? web = null;
if (options.Ports["http"] >= 0)
{
    try
    {
        web = await MailWebHost.StartAsync(server, new IPEndPoint(options.Bind, options.Ports["http"]), new MailWebOptions
        {
            UserName = options.HttpAuth?.User,
            Password = options.HttpAuth?.Password,
            Administrators = options.HttpAdmins,
            Users = () => directory is MailKitServer.Storage.PostgreSql.Directory.PostgresUserDirectory shared ? shared.Users : ((InMemoryUserDirectory)directory).Users,
        });
    }
    catch (IOException ex)
    {
        Console.Error.WriteLine($"error: --http-port: {ex.Message}");
        await server.DisposeAsync();
        return 1;
    }
}

foreach (var endpoint in server.Endpoints)
{
    Console.WriteLine($"listening {endpoint.Name} {endpoint.EndPoint.Address}:{endpoint.Port}");
}

if (web is not null)
{
    Console.WriteLine($"listening http {web.EndPoint.Address}:{web.EndPoint.Port}");
}

Console.WriteLine("ready");
Console.Out.Flush();

await stop.Task;
Console.WriteLine("stopping");
if (web is not null)
{
    await web.DisposeAsync();
}

await server.DisposeAsync();
if (store is IAsyncDisposable disposableStore)
{
    // The Maildir store writes what it still holds in memory (folder indexes).
    await disposableStore.DisposeAsync();
}

if (database is not null)
{
    await database.DisposeAsync();
}

Console.WriteLine("stopped");
return 0;
