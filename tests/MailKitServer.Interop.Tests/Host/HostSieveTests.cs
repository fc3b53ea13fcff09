using System.Globalization;
using MailKitServer.TestSupport;

namespace MailKitServer.Interop.Tests.Host;

/// <summary>
/// The host's ManageSieve listener with the README's two-line script, on a Maildir and on PostgreSQL: Debian's
/// sieve-connect uploads and activates it over STARTTLS, Python's smtplib sends, imaplib sees the invoice filed and the
/// vacation reply in the sender's INBOX.
/// </summary>
public class HostSieveTests
{
    private const string ReadmeScript = """
        require ["fileinto", "mailbox", "vacation"];
        if header :contains "subject" "invoice" { fileinto :create "Invoices"; } vacation :days 7 "Back on Monday.";

        """;

    private const string SendScript = """
        import smtplib, sys
        with smtplib.SMTP("127.0.0.1", int(sys.argv[1])) as s:
            s.sendmail("carol@example.test", ["bob@example.test"],
                b"From: carol@example.test\r\nTo: bob@example.test\r\nSubject: Invoice 7\r\nMessage-ID: <inv7@example.test>\r\n\r\nPlease pay.\r\n")
        """;

    private const string ReadScript = """
        import imaplib, sys
        def subjects(user, password, mailbox):
            m = imaplib.IMAP4("127.0.0.1", int(sys.argv[1]))
            m.login(user, password)
            typ, data = m.select(mailbox, readonly=True)
            assert typ == "OK", (typ, data)
            typ, data = m.search(None, "ALL")
            out = []
            for n in data[0].split():
                typ, d = m.fetch(n, "(BODY.PEEK[HEADER.FIELDS (SUBJECT AUTO-SUBMITTED)])")
                out.append(" | ".join(sorted(d[0][1].decode().strip().split("\r\n"))))
            m.logout()
            return out
        print("bob Invoices", subjects("bob@example.test", "bob-pw", "Invoices"))
        print("bob INBOX", subjects("bob@example.test", "bob-pw", "INBOX"))
        print("carol INBOX", subjects("carol@example.test", "carol-pw", "INBOX"))
        """;

    [Theory]
    [InlineData("maildir")]
    [InlineData("postgres")]
    public async Task Host_serves_ManageSieve_and_the_README_script_files_invoices_and_answers_once(string storeKind)
    {
        var maildata = Directory.CreateTempSubdirectory("mks-host-sieve").FullName;
        await using var postgres = storeKind == "postgres" ? await PostgresServer.StartAsync() : null;
        try
        {
            var database = postgres is null ? null : await postgres.CreateDatabaseAsync();
            var store = postgres is null ? "maildir:" + maildata : "postgres:" + database;
            await using var host = await HostProcess.StartAsync(
                "--store", store, "--smtp-port", "0", "--submission-port", "-1", "--smtps-port", "-1",
                "--pop3-port", "-1", "--pop3s-port", "-1", "--imap-port", "0", "--imaps-port", "-1", "--managesieve-port", "0",
                "--insecure-auth", "--user", "bob@example.test:bob-pw", "--user", "carol@example.test:carol-pw");
            Assert.Contains(host.Output, line => line.StartsWith("listening managesieve 127.0.0.1:", StringComparison.Ordinal));
            var sievePort = host.Listeners["managesieve"].Port;
            var smtpPort = host.Listeners["smtp"].Port.ToString(CultureInfo.InvariantCulture);
            var imapPort = host.Listeners["imap"].Port.ToString(CultureInfo.InvariantCulture);

            await File.WriteAllTextAsync(Path.Combine(maildata, "rules.sieve"), ReadmeScript.ReplaceLineEndings("\r\n"));
            var upload = await SieveConnect.RunAsync(sievePort, "bob@example.test", "bob-pw", maildata, "--upload", "--localsieve", "rules.sieve", "--remotesieve", "rules");
            Assert.True(upload.ExitCode == 0, upload.ToString());
            var activate = await SieveConnect.RunAsync(sievePort, "bob@example.test", "bob-pw", maildata, "--activate", "--remotesieve", "rules");
            Assert.True(activate.ExitCode == 0, activate.ToString());

            if (postgres is null)
            {
                // The Maildir store keeps the script in Dovecot Pigeonhole's layout beside bob's mail.
                var user = Directory.GetDirectories(maildata).Single(d => File.Exists(Path.Combine(d, "sieve", "rules.sieve")));
                Assert.Equal("sieve/rules.sieve", new FileInfo(Path.Combine(user, ".dovecot.sieve")).LinkTarget);
            }
            else
            {
                // With --store postgres: the script is in the database every node shares.
                var name = database!.Split(';').Single(p => p.StartsWith("Database=", StringComparison.Ordinal))["Database=".Length..];
                var rows = await postgres.PsqlAsync(name, "SELECT user_id, name, active FROM mks_sieve_scripts");
                Assert.Equal("bob@example.test|rules|t", rows.Stdout.Trim());
            }

            for (var i = 0; i < 2; i++)
            {
                var sent = await ExternalTool.PythonAsync(SendScript, smtpPort);
                Assert.True(sent.ExitCode == 0, sent.ToString());
            }

            var read = await ExternalTool.PythonAsync(ReadScript, imapPort);
            Assert.True(read.ExitCode == 0, read.ToString());
            Assert.Contains("bob Invoices ['Subject: Invoice 7', 'Subject: Invoice 7']", read.Stdout, StringComparison.Ordinal);
            Assert.Contains("bob INBOX []", read.Stdout, StringComparison.Ordinal);
            // One vacation reply for two messages within :days 7.
            Assert.Contains("carol INBOX ['Auto-Submitted: auto-replied (vacation) | Subject: Auto: Invoice 7']", read.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(maildata, recursive: true);
        }
    }
}
