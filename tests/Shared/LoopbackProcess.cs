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
        start.UseShellExecute = false;
        start.RedirectStandardError = true;
        start.RedirectStandardOutput = true;
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
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

            if (line.Contains(readyLine, StringComparison.Ordinal))
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

        var said = process.HasExited ? "exited" : $"did not say '{readyLine}'";
        await StopAsync(process);
        lock (lines)
        {
            return (null, $"{start.FileName} {said}: {string.Join('\n', lines)}");
        }
    }

    /// <summary>
    /// For a peer that says nothing when it is ready (rspamd binds its workers' sockets after loading its rules and logs
    /// only to its file): starts the program and retries a TCP connection to <paramref name="endPoint"/>, 30 ms apart,
    /// for <paramref name="wait"/> (10 s by default); returns the process, or null and why when it exited or never
    /// listened (then it is stopped). Prefer the overload that waits for the peer's own "ready" line.
    /// </summary>
    public static async Task<(Process? Process, string Error)> StartAsync(ProcessStartInfo start, IPEndPoint endPoint, TimeSpan? wait = null)
    {
        start.UseShellExecute = false;
        start.RedirectStandardError = true;
        start.RedirectStandardOutput = true;
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"{start.FileName} did not start");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException($"'{start.FileName}' is not installed; run ./test.sh (it installs the Debian test tools).", ex);
        }

        var deadline = DateTime.UtcNow + (wait ?? TimeSpan.FromSeconds(10));
        while (!process.HasExited && DateTime.UtcNow < deadline)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(endPoint);
                return (process, string.Empty);
            }
            catch (SocketException)
            {
                await Task.Delay(30);
            }
        }

        var error = process.HasExited ? await process.StandardError.ReadToEndAsync() : "no listener";
        await StopAsync(process);
        return (null, error);
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
