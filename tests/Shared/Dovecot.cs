using System.Net;
using System.Net.Sockets;

namespace MailKitServer.TestSupport;

/// <summary>A private Dovecot (Debian dovecot-imapd) on a free loopback port, with one user u/p and a Maildir.</summary>
public sealed class Dovecot : IAsyncDisposable
{
    private readonly System.Diagnostics.Process _master;

    private Dovecot(string root, int port, System.Diagnostics.Process master)
    {
        Root = root;
        Port = port;
        _master = master;
    }

    public string Root { get; }

    public int Port { get; }

    public string MailRoot => Path.Combine(Root, "mail");

    public static async Task<Dovecot> StartAsync(string? mailLocation = null, string extraConfig = "")
    {
        var root = Directory.CreateTempSubdirectory("mks-dovecot-").FullName;
        File.SetUnixFileMode(root, (UnixFileMode)Convert.ToInt32("755", 8));
        foreach (var d in new[] { "mail", "run", "state" })
        {
            Directory.CreateDirectory(Path.Combine(root, d));
        }

        var id = await ExternalTool.RunAsync("id", ["-u", "vmail"]);
        if (id.ExitCode != 0)
        {
            throw new InvalidOperationException("The 'vmail' user is missing: ./test.sh creates it (useradd -r vmail), as Dovecot refuses uid 0 for mail.");
        }

        await ExternalTool.RunAsync("chown", ["-R", "vmail:vmail", Path.Combine(root, "mail")]);
        await File.WriteAllTextAsync(Path.Combine(root, "passwd"), "u:{PLAIN}p\n");
        var port = FreePort();
        await File.WriteAllTextAsync(Path.Combine(root, "dovecot.conf"), $$"""
            base_dir = {{root}}/run
            state_dir = {{root}}/state
            log_path = {{root}}/dovecot.log
            listen = 127.0.0.1
            ssl = no
            disable_plaintext_auth = no
            auth_mechanisms = plain login
            protocols = imap
            mail_location = {{mailLocation ?? $"maildir:{root}/mail/%u/Maildir"}}
            first_valid_uid = {{id.Stdout.Trim()}}
            passdb {
              driver = passwd-file
              args = scheme=PLAIN username_format=%u {{root}}/passwd
            }
            userdb {
              driver = static
              args = uid=vmail gid=vmail home={{root}}/mail/%u
            }
            {{extraConfig}}
            service imap-login {
              inet_listener imap {
                port = {{port}}
              }
              inet_listener imaps {
                port = 0
              }
            }
            """);
        // -F: the master stays in the foreground as our child, so no daemon inherits the test's pipes.
        var psi = new System.Diagnostics.ProcessStartInfo("dovecot") { UseShellExecute = false, RedirectStandardOutput = false, RedirectStandardError = false };
        psi.ArgumentList.Add("-F");
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(Path.Combine(root, "dovecot.conf"));
        var master = System.Diagnostics.Process.Start(psi) ?? throw new InvalidOperationException("dovecot did not start");

        // The master binds every listener before it writes base_dir/master.pid (and exits when one fails): the pid file
        // appearing is its "ready".
        var pidFile = Path.Combine(root, "run", "master.pid");
        var started = FileArrival.WaitUntilAsync(Path.Combine(root, "run"), () => File.Exists(pidFile), TimeSpan.FromSeconds(20));
        await Task.WhenAny(started, master.WaitForExitAsync());
        if (!File.Exists(pidFile))
        {
            var log = Path.Combine(root, "dovecot.log");
            if (!master.HasExited)
            {
                master.Kill(entireProcessTree: true);
            }

            throw new InvalidOperationException("dovecot did not start: " + (File.Exists(log) ? File.ReadAllText(log) : "no log"));
        }

        return new Dovecot(root, port, master);
    }

    /// <summary>
    /// Serves one user's mailboxes of our Maildir store (<c>root/user/Maildir</c>, "/" as separator) with Dovecot, to
    /// compare answers on the same files. The store's files are handed to the <c>vmail</c> user Dovecot reads them as.
    /// </summary>
    /// <param name="storeRoot">The Maildir store's root folder.</param>
    /// <param name="user">The user whose Maildir Dovecot serves (logged in as <c>u</c>/<c>p</c>).</param>
    /// <param name="extraConfig">More configuration (a plugin's settings, say).</param>
    public static async Task<Dovecot> StartOnStoreAsync(string storeRoot, string user, string extraConfig = "")
    {
        await ExternalTool.RunAsync("chown", ["-R", "vmail:vmail", storeRoot]);
        File.SetUnixFileMode(storeRoot, (UnixFileMode)Convert.ToInt32("755", 8));
        var maildir = Path.Combine(storeRoot, user, "Maildir");
        return await StartAsync($"maildir:{maildir}", "namespace inbox {\n  inbox = yes\n  separator = /\n}\n" + extraConfig);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_master.HasExited)
        {
            await ExternalTool.RunAsync("kill", [_master.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            try
            {
                await _master.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }
            catch (TimeoutException)
            {
                _master.Kill(entireProcessTree: true);
            }
        }

        _master.Dispose();

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

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
