using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace MailKitServer.Smtp.Tests.Milter;

/// <summary>A real milter: Debian's python3-milter (libmilter underneath) running a script on a loopback port, stopped by PID.</summary>
internal sealed class PythonMilter : IAsyncDisposable
{
    private readonly Process _process;

    private PythonMilter(Process process, IPEndPoint endPoint)
    {
        _process = process;
        EndPoint = endPoint;
    }

    public IPEndPoint EndPoint { get; }

    /// <summary>Starts the script with the port as its first argument and waits until it accepts connections.</summary>
    public static async Task<PythonMilter> StartAsync(string script)
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        var psi = new ProcessStartInfo("/usr/bin/python3") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
        psi.ArgumentList.Add(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var process = Process.Start(psi) ?? throw new InvalidOperationException("python3 did not start");
        var endPoint = new IPEndPoint(IPAddress.Loopback, port);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!process.HasExited && DateTime.UtcNow < deadline)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(endPoint);
                return new PythonMilter(process, endPoint);
            }
            catch (SocketException)
            {
                await Task.Delay(30);
            }
        }

        var error = process.HasExited ? await process.StandardError.ReadToEndAsync() : "no listener";
        if (!process.HasExited)
        {
            process.Kill();
        }

        process.Dispose();
        throw new InvalidOperationException("the Python milter did not start (is python3-milter installed?): " + error);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
