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

    private const string ReadyLine = "milter socket open on port ";

    /// <summary>
    /// Runs before the script: libmilter binds its socket inside <c>smfi_main</c> and says nothing, so the script's
    /// <c>milter.main</c> first opens the socket itself (<c>smfi_opensocket</c>, which <c>smfi_main</c> then uses),
    /// finds the port the kernel gave it (the script asks for port 0: a port picked beforehand by the test could be
    /// taken by another test's connection before the milter binds it) and prints <see cref="ReadyLine"/> with it.
    /// </summary>
    private const string ReadyPrelude = $$"""
        import milter as _milter, os as _os, socket as _socket
        _milter_main = _milter.main
        def _milter_listening_port():
            for name in _os.listdir("/proc/self/fd"):
                try:
                    s = _socket.fromfd(int(name), _socket.AF_INET, _socket.SOCK_STREAM)
                except OSError:
                    continue
                try:
                    if s.family == _socket.AF_INET and s.getsockopt(_socket.SOL_SOCKET, _socket.SO_ACCEPTCONN):
                        return s.getsockname()[1]
                except OSError:
                    pass
                finally:
                    s.close()
            raise SystemExit("no listening socket after smfi_opensocket")
        def _milter_ready_main(*args):
            _milter.opensocket(True)
            print("{{ReadyLine}}%d" % _milter_listening_port(), flush=True)
            return _milter_main(*args)
        _milter.main = _milter_ready_main

        """;

    /// <summary>Starts the script with port 0 as its first argument (then <paramref name="arguments"/>) and waits until it accepts connections on the port it reports.</summary>
    public static async Task<PythonMilter> StartAsync(string script, params string[] arguments)
    {
        var psi = new ProcessStartInfo("/usr/bin/python3");
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(ReadyPrelude + script);
        psi.ArgumentList.Add("0");
        foreach (var argument in arguments)
        {
            psi.ArgumentList.Add(argument);
        }

        var (process, said) = await LoopbackProcess.StartAndReadLineAsync(psi, ReadyLine, TimeSpan.FromSeconds(20));
        if (process is null)
        {
            throw new InvalidOperationException("the Python milter did not start (is python3-milter installed?): " + said);
        }

        var port = int.Parse(said.AsSpan(said.IndexOf(ReadyLine, StringComparison.Ordinal) + ReadyLine.Length), System.Globalization.CultureInfo.InvariantCulture);
        return new PythonMilter(process, new IPEndPoint(IPAddress.Loopback, port));
    }

    public ValueTask DisposeAsync() => new(LoopbackProcess.StopAsync(_process));
}
