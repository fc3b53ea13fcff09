using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace MailKitServer.TestSupport;

/// <summary>Starting a peer that listens on a loopback port (dnsmasq, Unbound, a Python milter) and stopping it by its PID.</summary>
public static class LoopbackProcess
{
    private const int KeptLines = 40;

    /// <summary>A port free on 127.0.0.1 for UDP now (and so, nearly always, for TCP).</summary>
    public static int FreePort()
    {
        using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)udp.Client.LocalEndPoint!).Port;
    }

    /// <summary>
    /// A TCP port free on 127.0.0.1 now and below the kernel's ephemeral range, for a peer that takes long to bind
    /// (rspamd: 20-30 s): a port from <see cref="FreePort"/> can meanwhile be handed to another test's listener on
    /// port 0 or to an outgoing connection, and the start probe would then find that one.
    /// </summary>
    public static int FreePortBelowEphemeral()
    {
        var range = File.Exists("/proc/sys/net/ipv4/ip_local_port_range") ? File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range") : "32768";
        var low = int.TryParse(range.Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries)[0], out var first) && first > 12_000 ? first : 32768;
        for (var attempt = 0; ; attempt++)
        {
            var port = Random.Shared.Next(10_000, low);
            try
            {
                var probe = new TcpListener(IPAddress.Loopback, port);
                probe.Start();
                probe.Stop();
                return port;
            }
            catch (SocketException) when (attempt < 100)
            {
            }
        }
    }

    /// <summary>
    /// Starts the program and waits (<paramref name="wait"/>, 10 s by default) for its own "ready" signal: a line on its
    /// standard output or error that contains <paramref name="readyLine"/>, which the program writes once its
    /// listening sockets are bound. Returns the process (its output still drained), or null and its last output lines
    /// when it exited or never said so (then it is stopped).
    /// </summary>
    public static async Task<(Process? Process, string Error)> StartAsync(ProcessStartInfo start, string readyLine, TimeSpan? wait = null)
    {
        var (process, said) = await StartAndReadLineAsync(start, readyLine, wait);
        return (process, process is null ? said : string.Empty);
    }

    /// <summary>
    /// As <see cref="StartAsync"/>, for a peer that says in its ready line what it bound (a port it was given as 0):
    /// returns the process and that whole line, or null and its last output lines.
    /// </summary>
    public static async Task<(Process? Process, string Said)> StartAndReadLineAsync(ProcessStartInfo start, string readyLine, TimeSpan? wait = null)
    {
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        string? said = null;
        bool IsReady(string line)
        {
            if (!line.Contains(readyLine, StringComparison.Ordinal))
            {
                return false;
            }

            Interlocked.CompareExchange(ref said, line, null);
            return true;
        }

        var (process, error) = await StartAndWaitAsync(start, $"did not say '{readyLine}'", IsReady, ready, started: null, wait);
        return process is null ? (null, error) : (process, Volatile.Read(ref said)!);
    }

    /// <summary>
    /// For a peer that logs only to a file (rspamd): starts the program and waits (<paramref name="wait"/>, 10 s by
    /// default) until <paramref name="logFile"/> contains <paramref name="readyText"/>, looking at the file each time
    /// the kernel reports a write to it (inotify, through <see cref="FileSystemWatcher"/>). Returns the process, or null
    /// and its last output lines when it exited or never logged it (then it is stopped).
    /// </summary>
    public static async Task<(Process? Process, string Error)> StartWithLogAsync(ProcessStartInfo start, string logFile, string readyText, TimeSpan? wait = null)
    {
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Look()
        {
            try
            {
                if (File.Exists(logFile) && File.ReadAllText(logFile).Contains(readyText, StringComparison.Ordinal))
                {
                    ready.TrySetResult();
                }
            }
            catch (IOException)
            {
                // Being written: the next write is reported too.
            }
        }

        using var watcher = new FileSystemWatcher(Path.GetDirectoryName(logFile)!, Path.GetFileName(logFile))
        {
            NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.FileName,
        };
        watcher.Changed += (_, _) => Look();
        watcher.Created += (_, _) => Look();
        watcher.EnableRaisingEvents = true;
        return await StartAndWaitAsync(start, $"did not log '{readyText}'", _ => false, ready, started: Look, wait);
    }

    private static async Task<(Process? Process, string Error)> StartAndWaitAsync(ProcessStartInfo start, string silence, Func<string, bool> isReady, TaskCompletionSource ready, Action? started, TimeSpan? wait)
    {
        start.UseShellExecute = false;
        start.RedirectStandardError = true;
        start.RedirectStandardOutput = true;
        var lines = new Queue<string>();
        void Seen(object sender, DataReceivedEventArgs e)
        {
            if (e.Data is not { } line)
            {
                return;
            }

            lock (lines)
            {
                lines.Enqueue(line);
                if (lines.Count > KeptLines)
                {
                    lines.Dequeue();
                }
            }

            if (isReady(line))
            {
                ready.TrySetResult();
            }
        }

        var process = new Process { StartInfo = start };
        process.OutputDataReceived += Seen;
        process.ErrorDataReceived += Seen;
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            process.Dispose();
            throw new InvalidOperationException($"'{start.FileName}' is not installed; run ./test.sh (it installs the Debian test tools).", ex);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        // What was written before the watcher looked (a log file) is looked at once.
        started?.Invoke();
        try
        {
            await Task.WhenAny(ready.Task, process.WaitForExitAsync()).WaitAsync(wait ?? TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
        }

        if (ready.Task.IsCompleted)
        {
            return (process, string.Empty);
        }

        var said = process.HasExited ? "exited" : silence;
        await StopAsync(process);
        lock (lines)
        {
            return (null, $"{start.FileName} {said}: {string.Join('\n', lines)}");
        }
    }

    /// <summary>Kills the process (by its PID) if it still runs and waits for it.</summary>
    public static async Task StopAsync(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }
}
