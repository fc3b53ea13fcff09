using System.Net;
using System.Runtime.InteropServices;
using MailKitServer.Users.InMemory;
using MailKitServer.Host;
using MailKitServer.Imap;
using MailKitServer.Policy;
using MailKitServer.Pop3;
using MailKitServer.Runtime;
using MailKitServer.Runtime.Tls;
using MailKitServer.Smtp;
using MailKitServer.Storage;
using MailKitServer.Storage.InMemory;
using MailKitServer.Storage.Maildir;
using Microsoft.Extensions.Logging;

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

if (!Enum.TryParse<LogLevel>(options.LogLevel, ignoreCase: true, out var level))
{
    Console.Error.WriteLine($"error: --log-level: '{options.LogLevel}' is not a log level.");
    return 2;
}

using var loggerFactory = LoggerFactory.Create(b => b.AddSimpleConsole(c => c.SingleLine = true).SetMinimumLevel(level));

IMessageStore store;
var storeKind = options.Store.Split(':', 2);
switch (storeKind[0].ToLowerInvariant())
{
    case "memory":
        store = new InMemoryMessageStore();
        break;
    case "maildir" when storeKind.Length == 2 && storeKind[1].Length > 0:
        try
        {
            store = new MaildirMessageStore(new MaildirStoreOptions { Root = storeKind[1] });
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: --store {options.Store}: {ex.Message}");
            return 2;
        }

        Console.WriteLine($"store maildir {((MaildirMessageStore)store).Root}");
        break;
    case "postgres":
        Console.Error.WriteLine("error: --store postgres: this store is not built yet; use --store maildir:PATH or --store memory.");
        return 2;
    default:
        Console.Error.WriteLine($"error: --store: '{options.Store}' is not maildir:PATH, memory or postgres:CONNSTRING.");
        return 2;
}

foreach (var (name, value) in new[] { ("--dns", options.Dns), ("--smart-host", options.SmartHost), ("--relay-port", options.RelayPort?.ToString(System.Globalization.CultureInfo.InvariantCulture)) })
{
    if (value is not null)
    {
        Console.Error.WriteLine($"note: {name} has no effect yet: outbound delivery is not built; mail for remote domains is refused.");
    }
}

var directory = new InMemoryUserDirectory();
try
{
    foreach (var domain in options.Domains)
    {
        directory.AddDomain(domain);
    }

    foreach (var (address, password) in options.Users)
    {
        directory.AddUser(address, password);
        Console.WriteLine($"user {address} password {password}");
    }

    foreach (var (address, targets) in options.Aliases)
    {
        directory.AddAlias(address, targets);
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
    .Configure(o =>
    {
        o.AllowInsecureAuthentication = options.InsecureAuth;
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

Add("smtp", ep => builder.AddSmtp("smtp", ep, SmtpRole.Mta));
Add("submission", ep => builder.AddSmtp("submission", ep, SmtpRole.Submission));
Add("smtps", ep => builder.AddSmtp("smtps", ep, SmtpRole.Submission, TlsMode.Implicit));
Add("pop3", ep => builder.AddPop3("pop3", ep, TlsMode.None));
Add("pop3s", ep => builder.AddPop3("pop3s", ep, TlsMode.Implicit));
Add("imap", ep => builder.AddImap("imap", ep, TlsMode.None));
Add("imaps", ep => builder.AddImap("imaps", ep, TlsMode.Implicit));

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

foreach (var endpoint in server.Endpoints)
{
    Console.WriteLine($"listening {endpoint.Name} {endpoint.EndPoint.Address}:{endpoint.Port}");
}

Console.WriteLine("ready");
Console.Out.Flush();

var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
void OnSignal(PosixSignalContext context)
{
    context.Cancel = true;
    stop.TrySetResult();
}

using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
await stop.Task;
Console.WriteLine("stopping");
await server.DisposeAsync();
Console.WriteLine("stopped");
return 0;
