using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace MailKitServer.TestSupport;

/// <summary>
/// The promise "a 250 is never lost", for any store the host can run on: the host runs as a child process, SMTP clients
/// send, the host is killed with SIGKILL at random moments and restarted; in the end every message that got 250 is
/// there exactly once, whole, and nothing half-written is shown.
/// </summary>
public static partial class HostCrashHarness
{
    /// <summary>
    /// Runs the host on <paramref name="store"/> (a <c>--store</c> value), kills it with SIGKILL six times while four SMTP
    /// clients send, then checks over IMAP that every message that got 250 is there exactly once and whole.
    /// </summary>
    public static async Task EveryAcknowledgedMessageSurvivesSigkillAsync(string store)
    {
        var acknowledged = new HashSet<string>();
        var random = new Random(1234);
        for (var round = 0; round < 6; round++)
        {
            using var host = StartHost(store, out var smtpPort, out _);
            using var stop = new CancellationTokenSource();

            // The kill comes after a random number of 250s in this round (not after a fixed time, which a slow machine
            // may spend before the first one): the other senders are then somewhere in their transactions.
            var target = random.Next(4, 13);
            var count = 0;
            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            void OnAcknowledged()
            {
                if (Interlocked.Increment(ref count) >= target)
                {
                    reached.TrySetResult();
                }
            }

            var senders = Enumerable.Range(0, 4).Select(s => SendUntilKilledAsync(smtpPort, $"r{round}s{s}", acknowledged, OnAcknowledged, stop.Token)).ToList();
            await reached.Task.WaitAsync(TimeSpan.FromMinutes(2));
            host.Kill(entireProcessTree: true); // SIGKILL
            await host.WaitForExitAsync();
            stop.Cancel();
            await Task.WhenAll(senders);
        }

        Assert.True(acknowledged.Count > 20, $"only {acknowledged.Count} messages were acknowledged; the test did not exercise delivery");
        using var final = StartHost(store, out _, out var imapPort);
        try
        {
            var subjects = await FetchSubjectsAsync(imapPort);
            foreach (var id in acknowledged)
            {
                Assert.Equal(1, subjects.Count(s => s == id));
            }

            // Nothing half-written is visible: every message shown is complete.
            Assert.All(subjects, s => Assert.StartsWith("r", s, StringComparison.Ordinal));
        }
        finally
        {
            final.Kill(entireProcessTree: true);
        }
    }

    private static Process StartHost(string store, out int smtpPort, out int imapPort)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { HostBinary.Path, "--store", store, "--user", "crash@example.test:pw", "--insecure-auth", "--smtp-port", "0", "--imap-port", "0", "--submission-port", "-1", "--smtps-port", "-1", "--pop3-port", "-1", "--pop3s-port", "-1", "--imaps-port", "-1", "--managesieve-port", "-1", "--http-port", "-1" })
        {
            psi.ArgumentList.Add(a);
        }

        var process = Process.Start(psi)!;
        smtpPort = imapPort = 0;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            var line = process.StandardOutput.ReadLine() ?? throw new InvalidOperationException("host exited: " + process.StandardError.ReadToEnd());
            var m = ListeningLine().Match(line);
            if (m.Success && m.Groups[1].Value == "smtp")
            {
                smtpPort = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
            }
            else if (m.Success && m.Groups[1].Value == "imap")
            {
                imapPort = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
            }
            else if (line == "ready")
            {
                _ = process.StandardOutput.ReadToEndAsync();
                _ = process.StandardError.ReadToEndAsync();
                return process;
            }
        }

        throw new TimeoutException("host did not become ready");
    }

    private static async Task SendUntilKilledAsync(int port, string prefix, HashSet<string> acknowledged, Action onAcknowledged, CancellationToken stop)
    {
        var n = 0;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using var tcp = new TcpClient();
                await tcp.ConnectAsync(IPAddress.Loopback, port, stop);
                using var stream = tcp.GetStream();
                using var reader = new StreamReader(stream, Encoding.ASCII);
                async Task<string> Command(string c)
                {
                    if (c.Length > 0)
                    {
                        await stream.WriteAsync(Encoding.ASCII.GetBytes(c + "\r\n"), stop);
                    }

                    string line;
                    do
                    {
                        line = await reader.ReadLineAsync(stop) ?? throw new IOException("closed");
                    }
                    while (line.Length > 3 && line[3] == '-');
                    return line;
                }

                await Command(string.Empty);
                await Command("EHLO crash.test");
                for (var i = 0; i < 50 && !stop.IsCancellationRequested; i++)
                {
                    var id = $"{prefix}m{n++}";
                    await Command("MAIL FROM:<a@remote.test>");
                    await Command("RCPT TO:<crash@example.test>");
                    await Command("DATA");
                    var body = new StringBuilder($"Subject: {id}\r\n\r\n");
                    for (var l = 0; l < 200; l++)
                    {
                        body.Append("line ").Append(l).Append(" of ").Append(id).Append("\r\n");
                    }

                    if ((await Command(body + "END " + id + "\r\n.")).StartsWith("250", StringComparison.Ordinal))
                    {
                        lock (acknowledged)
                        {
                            acknowledged.Add(id);
                        }

                        onAcknowledged();
                    }
                }
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException)
            {
                // Killed mid-conversation: whatever did not get its 250 may or may not be there. This sender's round is
                // over; it ends when the test, having seen the host exit, cancels stop (not by reconnecting to a dead port).
                await WhenCancelledAsync(stop);
            }
        }
    }

    private static async Task WhenCancelledAsync(CancellationToken token)
    {
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (token.Register(() => cancelled.TrySetResult()))
        {
            await cancelled.Task;
        }
    }

    private static async Task<List<string>> FetchSubjectsAsync(int imapPort)
    {
        const string script = """
            import imaplib, sys
            m = imaplib.IMAP4("127.0.0.1", int(sys.argv[1])); m.login("crash@example.test", "pw"); m.select("INBOX", readonly=True)
            typ, data = m.fetch("1:*", "(BODY.PEEK[])")
            for item in data:
                if isinstance(item, tuple):
                    msg = item[1].decode()
                    subject = msg.split("Subject: ", 1)[1].split("\r\n", 1)[0]
                    assert msg.rstrip().endswith("END " + subject), "truncated " + subject
                    print(subject)
            """;
        var path = Path.Combine(Path.GetTempPath(), $"mks-{Guid.NewGuid():N}.py");
        await File.WriteAllTextAsync(path, script);
        try
        {
            var psi = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true };
            psi.ArgumentList.Add(path);
            psi.ArgumentList.Add(imapPort.ToString(CultureInfo.InvariantCulture));
            using var p = Process.Start(psi)!;
            var output = await p.StandardOutput.ReadToEndAsync();
            var error = await p.StandardError.ReadToEndAsync();
            await p.WaitForExitAsync();
            Assert.True(p.ExitCode == 0, error);
            return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
        }
        finally
        {
            File.Delete(path);
        }
    }

    [GeneratedRegex(@"^listening ([a-z0-9]+) [^ ]+:(\d+)$")]
    private static partial Regex ListeningLine();
}
