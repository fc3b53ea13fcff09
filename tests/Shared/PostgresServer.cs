using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace MailKitServer.TestSupport;

/// <summary>
/// A private PostgreSQL 15 (Debian's postgresql package) in a temporary folder on a free loopback port, with password
/// (SCRAM) authentication over TCP: initdb, pg_ctl start, and stopped by the postmaster's PID.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    public const string Password = "mks-test-pw";
    private const string Bin = "/usr/lib/postgresql/15/bin";
    private int _databases;

    private PostgresServer(string root, int port)
    {
        Root = root;
        Port = port;
    }

    public string Root { get; }

    public int Port { get; private set; }

    public string DataDirectory => Path.Combine(Root, "data");

    /// <summary>The postmaster's process id while it runs.</summary>
    public int? Pid => File.Exists(Path.Combine(DataDirectory, "postmaster.pid"))
        ? int.Parse(File.ReadLines(Path.Combine(DataDirectory, "postmaster.pid")).First(), CultureInfo.InvariantCulture)
        : null;

    public static async Task<PostgresServer> StartAsync()
    {
        if (!File.Exists(Path.Combine(Bin, "initdb")))
        {
            throw new InvalidOperationException("PostgreSQL 15 is not installed: ./test.sh installs it (apt-get install postgresql).");
        }

        var root = Directory.CreateTempSubdirectory("mks-pg-").FullName;
        await Run("chown", "postgres", root);
        File.SetUnixFileMode(root, (UnixFileMode)Convert.ToInt32("755", 8));
        var pwfile = Path.Combine(root, "pwfile");
        await File.WriteAllTextAsync(pwfile, Password + "\n");
        await Run("chown", "postgres", pwfile);
        await RunAsPostgres(Path.Combine(Bin, "initdb"), "-D", Path.Combine(root, "data"), "--auth-local=trust", "--auth-host=scram-sha-256", $"--pwfile={pwfile}", "-U", "postgres", "--no-sync", "-E", "UTF8", "--locale=C");
        var server = new PostgresServer(root, FreePort());
        await server.StartAgainAsync();
        return server;
    }

    /// <summary>A connection string for a new, empty database of its own.</summary>
    public async Task<string> CreateDatabaseAsync(string? name = null)
    {
        name ??= $"mks_{Interlocked.Increment(ref _databases)}_{Guid.NewGuid():N}"[..30];
        var psql = await RunAsPostgres(Path.Combine(Bin, "psql"), "-h", Root, "-p", Port.ToString(CultureInfo.InvariantCulture), "-U", "postgres", "-v", "ON_ERROR_STOP=1", "-c", $"CREATE DATABASE {name}");
        return ConnectionString(name);
    }

    public string ConnectionString(string database, string password = Password) =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Password={password};Database={database};Pooling=true;Maximum Pool Size=50;Timeout=5;Command Timeout=30";

    /// <summary>Runs SQL as the superuser (psql over the Unix socket).</summary>
    public Task<ExternalTool.Result> PsqlAsync(string database, string sql) =>
        RunAsPostgres(Path.Combine(Bin, "psql"), "-h", Root, "-p", Port.ToString(CultureInfo.InvariantCulture), "-U", "postgres", "-d", database, "-v", "ON_ERROR_STOP=1", "-At", "-c", sql);

    /// <summary>Starts the server (again, after <see cref="StopAsync"/>) on the same port.</summary>
    public async Task StartAgainAsync()
    {
        await RunAsPostgres(Path.Combine(Bin, "pg_ctl"), "-D", DataDirectory, "-w", "-l", Path.Combine(Root, "log"),
            "-o", $"-c listen_addresses=127.0.0.1 -p {Port} -k {Root} -c max_connections=300 -c fsync=on -c shared_buffers=64MB", "start");
    }

    /// <summary>Stops the server by its postmaster's PID (SIGINT: fast shutdown, open connections are cut) and waits until it is gone.</summary>
    public async Task StopAsync()
    {
        if (Pid is not { } pid)
        {
            return;
        }

        await Run("kill", "-INT", pid.ToString(CultureInfo.InvariantCulture));
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (ArgumentException)
        {
            // Already gone.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        TempDirectories.Delete(Root);
    }

    private static async Task<ExternalTool.Result> RunAsPostgres(params string[] command) => await Run("runuser", ["-u", "postgres", "--", .. command]);

    private static async Task<ExternalTool.Result> Run(string program, params string[] arguments)
    {
        var result = await ExternalTool.RunAsync(program, arguments, timeout: TimeSpan.FromSeconds(120));
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed: {result}");
        }

        return result;
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
