using System.Net;
using System.Text;
using MailKit;
using MailKitServer.Sieve.Tests.Delivery;
using MailKitServer.TestSupport;

namespace MailKitServer.Sieve.Tests.ManageSieve;

/// <summary>ManageSieve (RFC 5804) with real clients: Debian's sieve-connect over STARTTLS, and a raw Python session.</summary>
public sealed class ManageSieveClientTests
{
    private const string InvoiceScript = "require [\"fileinto\", \"mailbox\"];\r\nif header :contains \"subject\" \"invoice\" {\r\n  fileinto :create \"Invoices\";\r\n}\r\n";

    private static Task<SieveServer> StartAsync(int maxScriptSize = 64 * 1024) =>
        SieveServer.StartAsync(sieve: o =>
        {
            o.ManageSieveEndPoint = new IPEndPoint(IPAddress.Loopback, 0);
            o.MaxScriptSize = maxScriptSize;
        });

    private static int Port(SieveServer server) => server.Server.Server.GetEndpoint("managesieve").Port;

    private static Task<ExternalTool.Result> SieveConnectAsync(SieveServer server, string directory, params string[] action) =>
        SieveConnect.RunAsync(Port(server), "bob@example.test", "bob-pw", directory, action);

    /// <summary>The start of a raw Python ManageSieve session: connect, read one response (literals included), send one command.</summary>
    private static string PythonSession(SieveServer server) => $$"""
        import socket, ssl, base64, sys
        s = socket.create_connection(("127.0.0.1", {{Port(server)}}))
        f = s.makefile("rb")
        def response():
            lines = []
            while True:
                line = f.readline().decode()
                lines.append(line.rstrip("\r\n"))
                if line.startswith(("OK", "NO", "BYE")):
                    return lines
                if line.rstrip("\r\n").endswith("+}") or (line.startswith("{") and line.rstrip().endswith("}")):
                    n = int(line.strip()[1:-1].rstrip("+"))
                    lines.append(f.read(n).decode())
        def cmd(text, data=b""):
            s.sendall(text.encode() + b"\r\n" if not data else text.encode() + data)
            r = response()
            print(">", text.splitlines()[0] if text else "")
            for l in r: print(l)
            return r

        """;

    [Fact]
    public async Task Sieve_connect_uploads_and_activates_a_script_over_STARTTLS_and_mail_is_filed_by_it()
    {
        await using var server = await StartAsync();
        var directory = Directory.CreateTempSubdirectory("mks-sieve-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(directory, "invoices.sieve"), InvoiceScript);
            var upload = await SieveConnectAsync(server, directory, "--upload", "--localsieve", "invoices.sieve", "--remotesieve", "invoices");
            Assert.True(upload.ExitCode == 0, upload.ToString());
            var activate = await SieveConnectAsync(server, directory, "--activate", "--remotesieve", "invoices");
            Assert.True(activate.ExitCode == 0, activate.ToString());
            var list = await SieveConnectAsync(server, directory, "--list");
            Assert.True(list.ExitCode == 0, list.ToString());
            Assert.Contains("invoices", list.Stdout, StringComparison.Ordinal);
            var download = await SieveConnectAsync(server, directory, "--download", "--remotesieve", "invoices", "--localsieve", "copy.sieve");
            Assert.True(download.ExitCode == 0, download.ToString());
            Assert.Equal(InvoiceScript, await File.ReadAllTextAsync(Path.Combine(directory, "copy.sieve")));

            var scripts = await server.Scripts.ListAsync("bob@example.test", default);
            Assert.Equal([new MailKitServer.Sieve.Scripts.SieveScriptInfo("invoices", true)], scripts);

            await server.SendAsync("alice@example.test", "bob@example.test", "Invoice 7");
            using var imap = await server.ImapAsync("bob@example.test", "bob-pw");
            var folder = await imap.GetFolderAsync("Invoices");
            await folder.OpenAsync(FolderAccess.ReadOnly);
            Assert.Equal("Invoice 7", (await folder.GetMessageAsync(0)).Subject);
            await imap.DisconnectAsync(true);

            // A script with an error is refused with the line, as CHECKSCRIPT would say.
            await File.WriteAllTextAsync(Path.Combine(directory, "bad.sieve"), "keep;\r\nfileinto \"x\";\r\n");
            var bad = await SieveConnectAsync(server, directory, "--upload", "--localsieve", "bad.sieve", "--remotesieve", "bad");
            Assert.NotEqual(0, bad.ExitCode);
            Assert.Contains("line 2", bad.Stdout + bad.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task A_raw_Python_session_covers_the_rest_of_the_protocol_and_a_1_MB_script_is_refused_without_losing_step()
    {
        await using var server = await StartAsync();
        var script = PythonSession(server) + """
            print("greeting", response()[-1])
            cmd("PUTSCRIPT \"x\" {5+}\r\nkeep;")
            auth = base64.b64encode(b"\0bob@example.test\0bob-pw").decode()
            cmd('AUTHENTICATE "PLAIN" "%s"' % auth)
            cmd('CHECKSCRIPT {15+}\r\nif true keep;\r\n')
            cmd('PUTSCRIPT "vacation" {45+}\r\nrequire "vacation";\r\nvacation "I am away.";\r\n')
            cmd('PUTSCRIPT "other" {5+}\r\nkeep;')
            big = b"# " + b"x" * (1024 * 1024) + b"\r\nkeep;\r\n"
            cmd('PUTSCRIPT "big" {%d+}\r\n' % len(big), big + b"\r\n")
            cmd('HAVESPACE "big" 2000000')
            cmd('HAVESPACE "small" 100')
            cmd('SETACTIVE "vacation"')
            cmd('LISTSCRIPTS')
            cmd('GETSCRIPT "vacation"')
            cmd('DELETESCRIPT "vacation"')
            cmd('RENAMESCRIPT "other" "vacation"')
            cmd('RENAMESCRIPT "other" "renamed"')
            cmd('RENAMESCRIPT "missing" "x"')
            cmd('DELETESCRIPT "other"')
            cmd('GETSCRIPT "other"')
            cmd('SETACTIVE ""')
            cmd('LISTSCRIPTS')
            cmd('NOOP "tag1"')
            cmd('LOGOUT')
            """;
        var result = await ExternalTool.RunAsync("python3", ["-c", script]);
        Assert.True(result.ExitCode == 0, result.ToString());
        var transcript = result.Stdout.Replace("\r", string.Empty, StringComparison.Ordinal);
        string After(string command) => transcript.Split("> " + command + "\n")[1].Split("\n> ")[0];

        Assert.Contains("greeting OK", transcript, StringComparison.Ordinal);
        Assert.StartsWith("NO \"Authenticate first\"", After("PUTSCRIPT \"x\" {5+}"), StringComparison.Ordinal);
        Assert.StartsWith("OK", After("AUTHENTICATE \"PLAIN\" \"" + Convert.ToBase64String(Encoding.ASCII.GetBytes("\0bob@example.test\0bob-pw")) + "\""), StringComparison.Ordinal);
        Assert.StartsWith("NO \"line 1: ", After("CHECKSCRIPT {15+}"), StringComparison.Ordinal);
        Assert.StartsWith("OK", After("PUTSCRIPT \"vacation\" {45+}"), StringComparison.Ordinal);
        Assert.StartsWith("NO (QUOTA/MAXSIZE)", After("PUTSCRIPT \"big\" {1048587+}"), StringComparison.Ordinal);
        Assert.StartsWith("NO (QUOTA/MAXSIZE)", After("HAVESPACE \"big\" 2000000"), StringComparison.Ordinal);
        Assert.StartsWith("OK", After("HAVESPACE \"small\" 100"), StringComparison.Ordinal);
        Assert.StartsWith("OK", After("SETACTIVE \"vacation\""), StringComparison.Ordinal);
        Assert.Equal("\"other\"\n\"vacation\" ACTIVE\nOK \"Listscripts completed\"", After("LISTSCRIPTS"));
        Assert.Equal("{45}\nrequire \"vacation\";\nvacation \"I am away.\";\n\n\nOK \"Getscript completed\"", After("GETSCRIPT \"vacation\""));
        Assert.StartsWith("NO (ACTIVE)", After("DELETESCRIPT \"vacation\""), StringComparison.Ordinal);
        Assert.StartsWith("NO (ALREADYEXISTS)", After("RENAMESCRIPT \"other\" \"vacation\""), StringComparison.Ordinal);
        Assert.StartsWith("OK", After("RENAMESCRIPT \"other\" \"renamed\""), StringComparison.Ordinal);
        Assert.StartsWith("NO (NONEXISTENT)", After("RENAMESCRIPT \"missing\" \"x\""), StringComparison.Ordinal);
        Assert.StartsWith("NO (NONEXISTENT)", After("DELETESCRIPT \"other\""), StringComparison.Ordinal);
        Assert.StartsWith("NO (NONEXISTENT)", After("GETSCRIPT \"other\""), StringComparison.Ordinal);
        Assert.StartsWith("OK", After("SETACTIVE \"\""), StringComparison.Ordinal);
        Assert.StartsWith("OK (TAG \"tag1\")", After("NOOP \"tag1\""), StringComparison.Ordinal);
        Assert.Contains("> LOGOUT\nOK", transcript, StringComparison.Ordinal);
        Assert.Equal(["renamed", "vacation"], (await server.Scripts.ListAsync("bob@example.test", default)).Where(s => !s.IsActive).Select(s => s.Name));
    }

    [Fact]
    public async Task UNAUTHENTICATE_returns_to_the_non_authenticated_state_over_the_same_TLS_session()
    {
        await using var server = await StartAsync();
        var script = PythonSession(server) + """
            def plain(user, password):
                return 'AUTHENTICATE "PLAIN" "%s"' % base64.b64encode(("\0%s\0%s" % (user, password)).encode()).decode()
            print("> greeting")
            for l in response(): print(l)
            cmd("UNAUTHENTICATE")
            s.sendall(b"STARTTLS\r\n")
            print("> STARTTLS", response()[-1])
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
            s = context.wrap_socket(s)
            f = s.makefile("rb")
            print("> after TLS")
            for l in response(): print(l)
            cmd(plain("bob@example.test", "bob-pw"))
            cmd('PUTSCRIPT "bobs" {5+}\r\nkeep;')
            cmd("UNAUTHENTICATE extra")
            cmd("UNAUTHENTICATE")
            cmd("LISTSCRIPTS")
            cmd("CAPABILITY")
            cmd(plain("alice@example.test", "alice-pw"))
            cmd("LISTSCRIPTS")
            cmd("LOGOUT")
            print("tls", s.version())
            """;
        var result = await ExternalTool.RunAsync("python3", ["-c", script]);
        Assert.True(result.ExitCode == 0, result.ToString());
        var transcript = result.Stdout.Replace("\r", string.Empty, StringComparison.Ordinal);
        string After(string command) => transcript.Split("> " + command + "\n")[1].Split("\n> ")[0];

        // RFC 5804 §2.14.1: advertised, refused before AUTHENTICATE, and afterwards back to the start without dropping TLS.
        Assert.Contains("\"UNAUTHENTICATE\"", After("greeting"), StringComparison.Ordinal);
        Assert.StartsWith("NO \"Not authenticated\"", After("UNAUTHENTICATE"), StringComparison.Ordinal);
        Assert.Contains("> STARTTLS OK", transcript, StringComparison.Ordinal);
        Assert.Contains("\"UNAUTHENTICATE\"", After("after TLS"), StringComparison.Ordinal);
        Assert.StartsWith("NO \"Wrong arguments for UNAUTHENTICATE\"", After("UNAUTHENTICATE extra"), StringComparison.Ordinal);
        var parts = transcript.Split("> UNAUTHENTICATE\n");
        Assert.StartsWith("OK \"Unauthenticate completed\"", parts[2], StringComparison.Ordinal);
        Assert.StartsWith("NO \"Authenticate first\"", After("LISTSCRIPTS"), StringComparison.Ordinal);
        var capability = After("CAPABILITY");
        Assert.DoesNotContain("\"STARTTLS\"", capability, StringComparison.Ordinal);
        Assert.DoesNotContain("\"OWNER\"", capability, StringComparison.Ordinal);
        Assert.Contains("\"SASL\" \"", capability, StringComparison.Ordinal);
        var alice = transcript.Split("> LISTSCRIPTS\n")[2];
        Assert.StartsWith("OK \"Listscripts completed\"", alice, StringComparison.Ordinal);
        Assert.Contains("tls TLSv1.", transcript, StringComparison.Ordinal);
        Assert.Equal([new MailKitServer.Sieve.Scripts.SieveScriptInfo("bobs", false)], await server.Scripts.ListAsync("bob@example.test", default));
        Assert.Empty(await server.Scripts.ListAsync("alice@example.test", default));
    }
}
