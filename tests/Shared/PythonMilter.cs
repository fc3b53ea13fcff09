using System.Diagnostics;
using System.Net;

namespace MailKitServer.TestSupport;

/// <summary>A real milter: Debian's python3-milter (libmilter underneath) running a script on a loopback port, stopped by PID.</summary>
public sealed class PythonMilter : IAsyncDisposable
{
    private readonly Process _process;

    private PythonMilter(Process process, IPEndPoint endPoint)
    {
        _process = process;
        EndPoint = endPoint;
    }

    public IPEndPoint EndPoint { get; }

    private const string ReadyLine = "milter socket open";

    /// <summary>
    /// Runs before the script: libmilter binds its socket inside <c>smfi_main</c> and says nothing, so the script's
    /// <c>milter.main</c> first opens the socket itself (<c>smfi_opensocket</c>, which <c>smfi_main</c> then uses) and
    /// prints <see cref="ReadyLine"/>: the test waits for that line instead of probing the port.
    /// </summary>
    private const string ReadyPrelude = $$"""
        import milter as _milter
        _milter_main = _milter.main
        def _milter_ready_main(*args):
            _milter.opensocket(True)
            print("{{ReadyLine}}", flush=True)
            return _milter_main(*args)
        _milter.main = _milter_ready_main

        """;

    /// <summary>Starts the script with a free port as its first argument (then <paramref name="arguments"/>) and waits until it accepts connections.</summary>
    public static async Task<PythonMilter> StartAsync(string script, params string[] arguments)
    {
        var endPoint = new IPEndPoint(IPAddress.Loopback, LoopbackProcess.FreePort());
        var psi = new ProcessStartInfo("/usr/bin/python3");
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(ReadyPrelude + script);
        psi.ArgumentList.Add(endPoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var argument in arguments)
        {
            psi.ArgumentList.Add(argument);
        }

        var (process, error) = await LoopbackProcess.StartAsync(psi, ReadyLine, TimeSpan.FromSeconds(20));
        return process is not null ? new PythonMilter(process, endPoint)
            : throw new InvalidOperationException("the Python milter did not start (is python3-milter installed?): " + error);
    }

    public ValueTask DisposeAsync() => new(LoopbackProcess.StopAsync(_process));
}
