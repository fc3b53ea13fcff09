using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;

namespace MailKitServer.TestSupport;

/// <summary>
/// Debian's rspamd started on free loopback ports with a private configuration (Debian's /etc/rspamd with its
/// LOCAL_CONFDIR, DBDIR and RUNDIR pointed at a temporary folder): the proxy worker in milter mode scanning by itself
/// (self_scan, no normal worker), the controller (password <see cref="Password"/>) for learning into its Bayes classifier kept in a
/// redis-server of its own on another loopback port (Debian's redis-server; nothing saved), DNS pointed at a closed port,
/// the GTUBE test patterns of every action on, and the milter_headers module adding X-Spamd-Result and X-Rspamd-*.
/// Stopped by PID with its workers.
/// </summary>
public sealed class Rspamd : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Process _redis;
    private readonly string _directory;

    private Rspamd(Process process, Process redis, string directory, IPEndPoint milter, IPEndPoint controller)
    {
        _process = process;
        _redis = redis;
        _directory = directory;
        Milter = milter;
        Controller = controller;
    }

    /// <summary>The proxy worker's milter socket.</summary>
    public IPEndPoint Milter { get; }

    /// <summary>The controller (HTTP; /learnspam, /learnham, /stat), password <see cref="Password"/>.</summary>
    public IPEndPoint Controller { get; }

    /// <summary>The controller's password (its <c>password</c> and <c>enable_password</c>).</summary>
    public const string Password = "q1";

    /// <summary>How many messages rspamd's classifiers have learned (the controller's /stat "learned").</summary>
    public async Task<long> LearnedAsync()
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://{Controller}/stat");
        request.Headers.Add("Password", Password);
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        using var stat = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return stat.RootElement.GetProperty("learned").GetInt64();
    }

    /// <summary>The log file, for a failing test's message.</summary>
    public string Log => File.Exists(Path.Combine(_directory, "rspamd.log")) ? File.ReadAllText(Path.Combine(_directory, "rspamd.log")) : string.Empty;

    /// <summary>The last 2000 characters of the log (all of it when shorter).</summary>
    public string LogTail
    {
        get
        {
            var log = Log;
            return log.Length > 2000 ? log[^2000..] : log;
        }
    }

    public static async Task<Rspamd> StartAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"mks-rspamd-{Guid.NewGuid():N}");
        var local = Path.Combine(directory, "local.d");
        Directory.CreateDirectory(local);
        Directory.CreateDirectory(Path.Combine(directory, "db"));
        Directory.CreateDirectory(Path.Combine(directory, "run"));
        var redisPort = new IPEndPoint(IPAddress.Loopback, LoopbackProcess.FreePortBelowEphemeral());
        var redisStart = new ProcessStartInfo("redis-server");
        foreach (var argument in new[] { "--port", redisPort.Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", string.Empty, "--appendonly", "no", "--dir", directory })
        {
            redisStart.ArgumentList.Add(argument);
        }

        // redis-server says "Ready to accept connections" once it listens; rspamd says nothing (it logs to its file).
        var (redis, redisError) = await LoopbackProcess.StartAsync(redisStart, "Ready to accept connections", TimeSpan.FromSeconds(30));
        if (redis is null)
        {
            Directory.Delete(directory, recursive: true);
            throw new InvalidOperationException("redis-server did not start (is it installed? ./test.sh installs it): " + redisError);
        }

        var milter = new IPEndPoint(IPAddress.Loopback, LoopbackProcess.FreePortBelowEphemeral());
        var controller = new IPEndPoint(IPAddress.Loopback, LoopbackProcess.FreePortBelowEphemeral());
        string Port(IPEndPoint e) => e.Port.ToString(CultureInfo.InvariantCulture);
        await File.WriteAllTextAsync(Path.Combine(local, "worker-proxy.inc"), $$"""
            bind_socket = "127.0.0.1:{{Port(milter)}}";
            milter = yes;
            upstream "local" {
              default = yes;
              self_scan = yes;
            }
            """);
        await File.WriteAllTextAsync(Path.Combine(local, "worker-normal.inc"), "enabled = false;\n");
        await File.WriteAllTextAsync(Path.Combine(local, "worker-controller.inc"), $$"""
            bind_socket = "127.0.0.1:{{Port(controller)}}";
            password = "{{Password}}";
            enable_password = "{{Password}}";
            """);
        await File.WriteAllTextAsync(Path.Combine(local, "logging.inc"), $$"""
            type = "file";
            filename = "{{Path.Combine(directory, "rspamd.log")}}";
            level = "info";
            """);
        // rspamd 3.4: enable_test_patterns turns on the GTUBE variants for "add header" (YJS) and "rewrite subject" (ZJS).
        await File.WriteAllTextAsync(Path.Combine(local, "options.inc"), """
            enable_test_patterns = true;
            dns {
              nameserver = ["127.0.0.1:9"];
              timeout = 0.2s;
              retransmits = 1;
            }
            """);
        await File.WriteAllTextAsync(Path.Combine(local, "classifier-bayes.conf"), $$"""
            servers = "127.0.0.1:{{Port(redisPort)}}";
            min_learns = 1;
            """);
        await File.WriteAllTextAsync(Path.Combine(local, "milter_headers.conf"), """
            use = ["x-spamd-result", "x-rspamd-server", "x-rspamd-queue-id", "x-spam-level", "x-spam-status"];
            skip_local = false;
            skip_authenticated = false;
            """);

        var psi = new ProcessStartInfo("rspamd");
        foreach (var argument in new[]
        {
            "-f", "-i", "-u", "root", "-g", "root", "-c", "/etc/rspamd/rspamd.conf",
            "--var", $"LOCAL_CONFDIR={directory}", "--var", $"DBDIR={Path.Combine(directory, "db")}",
            "--var", $"RUNDIR={Path.Combine(directory, "run")}", "--var", $"LOGDIR={directory}",
        })
        {
            psi.ArgumentList.Add(argument);
        }

        // Compiling its regular expressions takes rspamd 20-30 s on a loaded machine before the workers listen. Its main
        // process binds the workers' sockets and then forks them; the milter worker logs this line once it runs.
        var (process, error) = await LoopbackProcess.StartWithLogAsync(psi, Path.Combine(directory, "rspamd.log"), "starting rspamd_proxy process", TimeSpan.FromSeconds(180));
        if (process is null)
        {
            var log = File.Exists(Path.Combine(directory, "rspamd.log")) ? await File.ReadAllTextAsync(Path.Combine(directory, "rspamd.log")) : string.Empty;
            await LoopbackProcess.StopAsync(redis);
            Directory.Delete(directory, recursive: true);
            throw new InvalidOperationException("rspamd did not start (is it installed? ./test.sh installs it): " + error + "\n" + log[Math.Max(0, log.Length - 3000)..]);
        }

        return new Rspamd(process, redis, directory, milter, controller);
    }

    public async ValueTask DisposeAsync()
    {
        // The main process and its workers, by PID.
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        await LoopbackProcess.StopAsync(_redis);
        Directory.Delete(_directory, recursive: true);
    }
}
