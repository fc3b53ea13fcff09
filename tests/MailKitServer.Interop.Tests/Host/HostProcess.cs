using System.Diagnostics;
using System.Net;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using MailKitServer.TestSupport;

namespace MailKitServer.Interop.Tests.Host;

/// <summary>The sample host (the main job) run as a child process, as a user runs it.</summary>
internal sealed partial class HostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _output = [];
    private readonly List<(Func<string, bool> Matches, TaskCompletionSource<string> Seen)> _waiters = [];

    private HostProcess(Process process) => _process = process;

    public Dictionary<string, IPEndPoint> Listeners { get; } = [];

    public IReadOnlyList<string> Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToArray();
            }
        }
    }

    public static string HostDll => HostBinary.Path;

    /// <summary>
    /// Starts the host with <paramref name="arguments"/> and waits for "ready". ManageSieve and the web inbox are off
    /// unless the arguments name <c>--managesieve-port</c> or <c>--http-port</c> (a later option wins), so that parallel
    /// hosts never contend for their default ports 4190 and 8025; tests pass 0 or -1 for every other port themselves.
    /// </summary>
    public static async Task<HostProcess> StartAsync(params string[] arguments)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(HostDll);
        psi.ArgumentList.Add("--managesieve-port");
        psi.ArgumentList.Add("-1");
        psi.ArgumentList.Add("--http-port");
        psi.ArgumentList.Add("-1");
        foreach (var a in arguments)
        {
            psi.ArgumentList.Add(a);
        }

        var host = new HostProcess(Process.Start(psi)!);
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        host._process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                ready.TrySetException(new InvalidOperationException("host exited before ready: " + string.Join("\n", host.Output)));
                return;
            }

            host.Add(e.Data);
            var m = ListeningLine().Match(e.Data);
            if (m.Success)
            {
                host.Listeners[m.Groups[1].Value] = IPEndPoint.Parse(m.Groups[2].Value);
            }

            if (e.Data == "ready")
            {
                ready.TrySetResult();
            }
        };
        host._process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                host.Add("stderr: " + e.Data);
            }
        };
        host._process.BeginOutputReadLine();
        host._process.BeginErrorReadLine();
        await ready.Task.WaitAsync(TimeSpan.FromSeconds(60));
        return host;
    }

    /// <summary>Waits for a line of the host's output (stdout, or stderr with "stderr: " before it) that matches; 30 s at most.</summary>
    public Task<string> WaitForOutputAsync(Func<string, bool> matches)
    {
        var seen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_output)
        {
            if (_output.FirstOrDefault(matches) is { } line)
            {
                return Task.FromResult(line);
            }

            _waiters.Add((matches, seen));
        }

        return seen.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    private void Add(string line)
    {
        lock (_output)
        {
            _output.Add(line);
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Matches(line))
                {
                    _waiters[i].Seen.TrySetResult(line);
                    _waiters.RemoveAt(i);
                }
            }
        }
    }

    /// <summary>Sends SIGTERM (straight from this process, no helper in between) and returns the exit code.</summary>
    public async Task<int> TerminateAsync()
    {
        Assert.Equal(0, SendSignal(_process.Id, SigTerm));
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        return _process.ExitCode;
    }

    /// <summary>Kills the host with SIGKILL, as a crash would.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }

    public ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    private const int SigTerm = 15;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SendSignal(int pid, int signal);

    [GeneratedRegex("^listening ([a-z0-9]+) (.+)$")]
    private static partial Regex ListeningLine();
}
