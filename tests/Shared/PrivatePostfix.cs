using System.Net;
using System.Net.Sockets;

namespace MailKitServer.TestSupport;

/// <summary>
/// A private Postfix instance (Debian postfix) with its own configuration, queue and log, its smtpd on a free
/// loopback port (master.cf binds that address; inet_interfaces must stay "all" for Postfix to accept 127.0.0.2). The caller adds the main.cf lines that give it a job (a relayhost, virtual mailboxes, ...).
/// </summary>
public sealed class PrivatePostfix : IAsyncDisposable
{
    private PrivatePostfix(string root, IPEndPoint endPoint)
    {
        Root = root;
        EndPoint = endPoint;
    }

    public string Root { get; }

    public IPEndPoint EndPoint { get; }

    public string Log => File.Exists(Path.Combine(Root, "log", "maillog")) ? File.ReadAllText(Path.Combine(Root, "log", "maillog")) : string.Empty;

    /// <summary>
    /// Waits until Postfix's log holds <paramref name="text"/>. Postfix's daemons hand their lines to postlogd, which
    /// writes them later: a delivered file can be on disk before the line saying "status=sent" is in the log.
    /// </summary>
    public Task<bool> WaitForLogAsync(string text, TimeSpan timeout) =>
        FileArrival.WaitUntilAsync(Path.Combine(Root, "log"), () => Log.Contains(text, StringComparison.Ordinal), timeout);

    public static async Task<PrivatePostfix> StartAsync(IPAddress address, string mainCf)
    {
        var root = Directory.CreateTempSubdirectory("mks-postfix-").FullName;
        File.SetUnixFileMode(root, (UnixFileMode)Convert.ToInt32("755", 8));
        foreach (var d in new[] { "etc", "queue", "data", "log", "mail" })
        {
            Directory.CreateDirectory(Path.Combine(root, d));
        }

        await ExternalTool.RunAsync("chown", ["postfix", Path.Combine(root, "data")]);
        // Postfix cannot listen on port 0 and say which port it got: a port below the kernel's ephemeral range, which
        // no outgoing connection and no listener on port 0 is handed while Postfix starts.
        var port = LoopbackProcess.FreePortBelowEphemeral();

        var master = (await File.ReadAllLinesAsync("/etc/postfix/master.cf"))
            .Select(l => l.StartsWith("smtp ", StringComparison.Ordinal) && l.Contains(" inet ", StringComparison.Ordinal) ? $"{address}:{port} inet n - n - - smtpd" : l);
        await File.WriteAllLinesAsync(Path.Combine(root, "etc", "master.cf"), master);
        await File.WriteAllTextAsync(Path.Combine(root, "etc", "main.cf"), $"""
            compatibility_level = 3.6
            queue_directory = {root}/queue
            data_directory = {root}/data
            inet_interfaces = all
            inet_protocols = ipv4
            mynetworks = 127.0.0.0/8
            mydestination =
            smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
            maillog_file = {root}/log/maillog
            maillog_file_prefixes = {root}/log
            smtp_host_lookup = native
            disable_dns_lookups = yes
            queue_run_delay = 1s
            minimal_backoff_time = 1s
            maximal_backoff_time = 2s
            {mainCf}
            """);
        // "postfix start" runs "master -w": it returns only once the master daemon has initialized, its listeners bound
        // (Postfix's own "ready"), with a non-zero status when that failed.
        var start = await ExternalTool.RunAsync("postfix", ["-c", Path.Combine(root, "etc"), "start"]);
        if (start.ExitCode != 0)
        {
            throw new InvalidOperationException("postfix did not start: " + start);
        }

        return new PrivatePostfix(root, new IPEndPoint(address, port));
    }

    public async ValueTask DisposeAsync()
    {
        await ExternalTool.RunAsync("postfix", ["-c", Path.Combine(Root, "etc"), "stop"]);
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
